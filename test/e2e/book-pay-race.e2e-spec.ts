import { call, CallResult } from '../support/http';
import { insertBuyer, insertConcert, insertHold, insertPerformance } from '../support/fixtures';
import { createTwoInstances, TestApp } from '../support/test-app';

const DAY = 24 * 60 * 60 * 1000;
/** Races fired at once per batch (one buyer each), and batches per test. */
const PER_BATCH = 10;
const BATCHES = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RaceOutcome {
  pay: CallResult;
  book: CallResult;
  seatIds: number[];
}

/**
 * A buyer whose token holds seat A pays for A and books seat B at the same time. Whatever the
 * order, the booking must not leave a live hold on B owned by a token the payment expired:
 * it either runs before the payment (and finds the user's live hold on A: 409) or gets 401.
 */
async function race(
  payVia: TestApp,
  bookVia: TestApp,
  options: { batches?: number; bookSameSeat?: boolean } = {},
): Promise<RaceOutcome[]> {
  const concertId = await insertConcert(payVia.db);
  const outcomes: RaceOutcome[] = [];
  // How long a payment and a booking took in the previous batch: on a loaded machine it is
  // anything from a few to hundreds of milliseconds, so the head starts are scaled by them.
  let payMs = 0;
  let bookMs = 0;
  for (let batch = 0; batch < (options.batches ?? BATCHES); batch += 1) {
    const at = new Date(payVia.clock.now().getTime() + 7 * DAY);
    const { seatIds } = await insertPerformance(payVia.db, concertId, {
      at,
      seats: 2 * PER_BATCH,
    });
    const rounds = await Promise.all(
      Array.from({ length: PER_BATCH }, async (_, i) => {
        const buyer = await insertBuyer(payVia.db, payVia.clock.now());
        const [seatA, seatB] = [seatIds[2 * i], seatIds[2 * i + 1]];
        await insertHold(payVia.db, seatA, buyer, payVia.clock.now());
        return { buyer, seatA, seatB };
      }),
    );
    const payTimes: number[] = [];
    const bookTimes: number[] = [];
    const timed = (times: number[], request: () => Promise<CallResult>) => {
      const started = Date.now();
      return request().then((response) => {
        times.push(Date.now() - started);
        return response;
      });
    };
    const results = await Promise.all(
      rounds.map(async ({ buyer, seatA, seatB }, i) => {
        const bookSeat = options.bookSameSeat ? seatA : seatB;
        const pay = () =>
          timed(payTimes, () =>
            call(payVia.app, 'POST', `/performance_seats/${seatA}/pay`, { token: buyer.token }),
          );
        const book = () =>
          timed(bookTimes, () =>
            call(bookVia.app, 'POST', `/performance_seats/${bookSeat}/book`, {
              token: buyer.token,
            }),
          );
        // Start the booking from about one booking time before the payment to about 1.5
        // payment times after it, so that over the runs it lands before, during and after
        // the payment's transaction (the payment is one statement, the booking several).
        const offset = Math.round(-bookMs + ((bookMs + 1.5 * payMs) * i) / (PER_BATCH - 1));
        const later = (start: () => Promise<CallResult>) => sleep(Math.abs(offset)).then(start);
        const [paid, booked] =
          offset < 0
            ? await Promise.all([later(pay), book()])
            : await Promise.all([pay(), later(book)]);
        return { pay: paid, book: booked, seatIds: [seatA, seatB] };
      }),
    );
    payMs = payTimes.reduce((sum, ms) => sum + ms, 0) / payTimes.length;
    bookMs = bookTimes.reduce((sum, ms) => sum + ms, 0) / bookTimes.length;
    outcomes.push(...results);
  }
  return outcomes;
}

function tally(outcomes: RaceOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { pay, book } of outcomes) {
    const key = `pay ${pay.status}, book ${book.status} ${book.body?.message ?? ''}`.trim();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Live holds whose token is no longer active: what the race must never leave behind. */
async function holdsOfDeadTokens(t: TestApp, outcomes: RaceOutcome[]): Promise<unknown[]> {
  return t.db.query(
    `SELECT i.performance_seat_id::int AS seat_id, i.token, q.status
       FROM performance_seat_book_info i
       JOIN user_queue_tokens q ON q.token = i.token
      WHERE i.performance_seat_id = ANY($2)
        AND i.token IS NOT NULL AND i.book_success_at IS NULL AND i.expires_at > $1
        AND (q.status <> 'IN_PROGRESS' OR q.expires_at <= $1)`,
    [t.clock.now(), outcomes.flatMap((outcome) => outcome.seatIds)],
  );
}

function expectBothOrders(outcomes: RaceOutcome[]): void {
  const counts = tally(outcomes);
  // Every payment succeeds; the booking ran either before it (the user still held A) or
  // after it (the token is spent). Nothing else.
  expect(
    Object.keys(counts).filter(
      (key) =>
        key !== 'pay 200, book 409 User already has a reservation' &&
        key !== 'pay 200, book 401 Token is invalid',
    ),
  ).toEqual([]);
  // Both orders happened: if one never does, the test no longer races anything.
  expect(counts['pay 200, book 409 User already has a reservation']).toBeGreaterThan(0);
  expect(counts['pay 200, book 401 Token is invalid']).toBeGreaterThan(0);
}

describe('booking racing the same token payment', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    ({ first, second } = await createTwoInstances());
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('on one instance: no live hold of an expired token, both orders seen', async () => {
    const outcomes = await race(first, first);
    expect(await holdsOfDeadTokens(first, outcomes)).toEqual([]);
    expectBothOrders(outcomes);
  });

  it('over two instances on one database: the same', async () => {
    const outcomes = await race(first, second);
    expect(await holdsOfDeadTokens(first, outcomes)).toEqual([]);
    expectBothOrders(outcomes);
  });

  it('paying for a seat and booking the same seat again at once never deadlocks', async () => {
    // The booking locks the seat's row before the token's, in the payment's own order.
    const outcomes = await race(first, second, { batches: 5, bookSameSeat: true });
    const counts = tally(outcomes);
    expect(
      Object.keys(counts).filter(
        (key) =>
          key !== 'pay 200, book 201' &&
          key !== 'pay 200, book 400 Seat is already booked' &&
          key !== 'pay 200, book 401 Token is invalid',
      ),
    ).toEqual([]);
    expect(await holdsOfDeadTokens(first, outcomes)).toEqual([]);
  });
});
