// The reference buyer flow, over the public API only:
//   POST /user_queue_tokens → watch GET /user_queue_tokens/events (EventSource) until IN_PROGRESS
//   → GET /concerts → GET /concert_performances → GET /performance_seats (refreshed)
//   → POST /performance_seats/{id}/book → POST /performance_seats/{id}/pay → GET /users/{id}.
// Every error body is {"message": "..."}: it is shown as is.
'use strict';

(function () {
  // The API's origin: this page's, or another one given as ?api=https://api.example.com
  const API = new URLSearchParams(location.search).get('api') || location.origin;
  const SEAT_MAP_REFRESH_MS = 3000;

  const state = {
    userId: null,
    token: null,
    status: null,
    events: null,
    concertId: null,
    performanceId: null,
    seatMapTimer: null,
    hold: null,
    countdownTimer: null,
    paidSeatId: null,
  };

  const $ = (id) => document.getElementById(id);

  // --- the API -------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const headers = {};
    if (state.token) headers['X-Reservation-Token'] = state.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(API + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, 'The API cannot be reached: ' + error.message);
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text };
    }
    if (!response.ok) {
      throw new ApiError(response.status, (data && data.message) || response.statusText);
    }
    return data;
  }

  // --- messages ------------------------------------------------------------------------

  function showError(error) {
    const box = $('error');
    const status = error.status ? error.status + ': ' : '';
    box.textContent = status + error.message;
    box.hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error').textContent = '';
  }

  async function attempt(work) {
    try {
      await work();
    } catch (error) {
      showError(error);
    }
  }

  function formatTime(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : '–';
  }

  function formatSeconds(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const s = Math.max(0, Math.round(seconds));
    return s >= 60 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s' : s + ' s';
  }

  function button(label, onClick, attributes) {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    for (const [name, value] of Object.entries(attributes || {})) {
      element.setAttribute(name, value);
    }
    element.addEventListener('click', onClick);
    return element;
  }

  // --- 1. join the line ----------------------------------------------------------------

  $('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clearError();
    const typed = $('user-id').value.trim();
    const userId = typed || $('user-select').value;
    void attempt(async () => {
      const issued = await api('POST', '/user_queue_tokens', { user_id: userId });
      state.userId = userId;
      state.token = issued.token;
      $('step-queue').hidden = false;
      showTokenInfo({
        status: issued.status,
        position: issued.position,
        estimated_wait_seconds: null,
        expires_at: null,
      });
      watchPosition();
      await showProfile();
    });
  });

  // --- 2. the waiting room, live -------------------------------------------------------

  function watchPosition() {
    if (state.events) state.events.close();
    const url = API + '/user_queue_tokens/events?token=' + encodeURIComponent(state.token);
    const events = new EventSource(url);
    state.events = events;
    events.addEventListener('token_info', (event) => {
      const info = JSON.parse(event.data);
      showTokenInfo(info);
      // The server ends the stream after EXPIRED; without close() EventSource would reconnect.
      if (info.status === 'EXPIRED') events.close();
    });
    events.addEventListener('error', () => {
      // EventSource reconnects by itself; an unknown token is a 401 and closes it.
      if (events.readyState === EventSource.CLOSED && state.status !== 'EXPIRED') {
        showError(new ApiError(0, 'The live position stream was closed: join again.'));
      }
    });
  }

  function showTokenInfo(info) {
    const previous = state.status;
    state.status = info.status;
    $('queue-status').textContent = info.status;
    $('queue-position').textContent = info.position === null ? '–' : String(info.position);
    $('queue-eta').textContent =
      info.status === 'IN_QUEUE' ? formatSeconds(info.estimated_wait_seconds) : '–';
    $('queue-expires').textContent = formatTime(info.expires_at);
    if (info.status === 'IN_PROGRESS' && previous !== 'IN_PROGRESS') {
      $('queue-hint').textContent = "You're in: choose a seat before your turn ends.";
      $('step-browse').hidden = false;
      void attempt(loadConcerts);
    }
    if (info.status === 'EXPIRED') {
      $('queue-hint').textContent = state.paidSeatId
        ? 'Paid: your turn is over and your place went to the next buyer.'
        : 'Your turn is over. Join the line again to buy.';
      stopSeatMap();
      $('pay').disabled = true;
    }
  }

  // --- 3. concerts, dates and the seat map ---------------------------------------------

  async function loadConcerts() {
    const concerts = await api('GET', '/concerts');
    const list = $('concerts');
    list.replaceChildren();
    if (concerts.length === 0) list.append(hintItem('No concerts.'));
    for (const concert of concerts) {
      const item = document.createElement('li');
      item.append(
        button(concert.name, () => void attempt(() => loadPerformances(concert.id)), {
          'aria-pressed': 'false',
          'data-concert-id': String(concert.id),
        }),
      );
      list.append(item);
    }
  }

  function press(listId, attribute, value) {
    for (const element of $(listId).querySelectorAll('button')) {
      element.setAttribute('aria-pressed', String(element.getAttribute(attribute) === value));
    }
  }

  function hintItem(text) {
    const item = document.createElement('li');
    item.className = 'hint';
    item.textContent = text;
    return item;
  }

  async function loadPerformances(concertId) {
    clearError();
    state.concertId = concertId;
    press('concerts', 'data-concert-id', String(concertId));
    const performances = await api('GET', '/concert_performances?concert_id=' + concertId);
    const list = $('performances');
    list.replaceChildren();
    if (performances.length === 0) list.append(hintItem('No dates with free seats.'));
    for (const performance of performances) {
      const when = new Date(performance.performance_datetime).toLocaleString();
      const label = when + ' · ' + performance.available_seats + ' free · ' + performance.price;
      const item = document.createElement('li');
      item.append(
        button(label, () => void attempt(() => openSeatMap(performance.id)), {
          'aria-pressed': 'false',
          'data-performance-id': String(performance.id),
        }),
      );
      list.append(item);
    }
  }

  async function openSeatMap(performanceId) {
    clearError();
    state.performanceId = performanceId;
    press('performances', 'data-performance-id', String(performanceId));
    await loadSeatMap();
    stopSeatMap();
    // The map's statuses change as others hold and pay: refresh it while a turn lasts.
    state.seatMapTimer = setInterval(() => {
      if (state.status === 'IN_PROGRESS') void attempt(loadSeatMap);
    }, SEAT_MAP_REFRESH_MS);
  }

  function stopSeatMap() {
    if (state.seatMapTimer) clearInterval(state.seatMapTimer);
    state.seatMapTimer = null;
  }

  async function loadSeatMap() {
    const seats = await api('GET', '/performance_seats?concert_date_id=' + state.performanceId);
    renderSeats(seats);
  }

  function renderSeats(seats) {
    const map = $('seats');
    map.replaceChildren();
    for (const seat of seats) {
      const mine =
        (state.hold && state.hold.performance_seat_id === seat.id && seat.status === 'HELD') ||
        state.paidSeatId === seat.id;
      const status = mine ? 'MINE' : seat.status;
      const element = button(String(seat.seat_number), () => void attempt(() => holdSeat(seat)), {
        class: 'seat ' + status,
        'data-seat-number': String(seat.seat_number),
        'data-status': seat.status,
        'aria-label':
          'Seat ' + seat.seat_number + ', ' + seat.status.toLowerCase() + ', ' + seat.price,
      });
      element.disabled = seat.status !== 'AVAILABLE' || state.status !== 'IN_PROGRESS';
      map.append(element);
    }
  }

  // --- 4. hold a seat, with a countdown ------------------------------------------------

  async function holdSeat(seat) {
    clearError();
    const hold = await api('POST', '/performance_seats/' + seat.id + '/book');
    state.hold = { ...hold, seat_number: seat.seat_number };
    $('step-hold').hidden = false;
    $('hold-seat').textContent = String(seat.seat_number);
    $('hold-expires').textContent = formatTime(hold.expires_at);
    $('pay').disabled = false;
    startCountdown(hold.expires_at);
    await loadSeatMap();
  }

  function startCountdown(expiresAt) {
    if (state.countdownTimer) clearInterval(state.countdownTimer);
    const tick = () => {
      const left = (new Date(expiresAt).getTime() - Date.now()) / 1000;
      $('hold-countdown').textContent = left > 0 ? formatSeconds(left) : 'no time: the hold lapsed';
      if (left <= 0) clearInterval(state.countdownTimer);
    };
    tick();
    state.countdownTimer = setInterval(tick, 1000);
  }

  // --- 5. pay, then the profile --------------------------------------------------------

  $('pay').addEventListener('click', () => {
    clearError();
    void attempt(async () => {
      const seatId = state.hold.performance_seat_id;
      const paid = await api('POST', '/performance_seats/' + seatId + '/pay');
      state.paidSeatId = paid.id;
      clearInterval(state.countdownTimer);
      $('hold-countdown').textContent = 'paid';
      $('pay').disabled = true;
      stopSeatMap();
      markSeatBooked(paid.seat_number);
      await showProfile();
    });
  });

  function markSeatBooked(seatNumber) {
    const seat = $('seats').querySelector('[data-seat-number="' + seatNumber + '"]');
    if (!seat) return;
    seat.className = 'seat MINE';
    seat.setAttribute('data-status', 'BOOKED');
    seat.setAttribute('aria-label', 'Seat ' + seatNumber + ', booked by you');
    seat.disabled = true;
  }

  async function showProfile() {
    const profile = await api('GET', '/users/' + encodeURIComponent(state.userId));
    $('step-profile').hidden = false;
    $('profile-balance').textContent = String(profile.balance);
    const list = $('booked-seats');
    list.replaceChildren();
    if (profile.booked_performance_seats.length === 0) list.append(hintItem('None yet.'));
    for (const seat of profile.booked_performance_seats) {
      const item = document.createElement('li');
      const performance = seat.concert_performance;
      item.textContent =
        performance.concert.name +
        ', ' +
        new Date(performance.performance_datetime).toLocaleString() +
        ': seat ' +
        seat.seat_number;
      item.setAttribute('data-seat-id', String(seat.id));
      list.append(item);
    }
  }
})();
