import { AppConfig } from '@app/common/config/app-config';
import { FakeClock } from '@test/support/fake-clock';
import { BookingStore, emptyHold, InMemoryBooking } from '@test/support/fakes/in-memory-booking';
import {
  PerformanceSeatNotFoundError,
  PerformanceStartedError,
  SeatAlreadyBookedError,
  SeatHeldByOtherError,
  UserHasReservationError,
} from '../domain/booking-errors';
import { TokenInvalidError, TokenStillInQueueError } from '@app/queue/domain';
import { SeatHoldState } from '../domain/seat-hold';
import { BookSeatUseCase } from './book-seat.use-case';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const TOKEN = 'a'.repeat(32);
const OTHER_TOKEN = 'b'.repeat(32);
/** The buyer's token outlives any hold unless a test says otherwise. */
const TOKEN_EXPIRES_AT = at(600);

describe('BookSeatUseCase', () => {
  let booking: InMemoryBooking;
  let store: BookingStore;
  let holds: InMemoryBooking['seatHolds'];
  let tokens: InMemoryBooking['bookingTokens'];
  let useCase: BookSeatUseCase;
  const buyer = { token: TOKEN, userId: 'user-1' };

  function addSeat(id: number, options: { booked?: boolean; startsIn?: number } = {}) {
    store.seats.set(id, {
      performanceSeatId: id,
      booked: options.booked ?? false,
      bookSuccessAt: null,
      performanceDatetime: at(options.startsIn ?? 86_400),
    });
    store.holds.set(id, emptyHold(id));
  }

  function setHold(id: number, row: Partial<SeatHoldState>) {
    store.holds.set(id, { ...emptyHold(id), ...row });
  }

  const results = () => store.logs.map((log) => log.result);

  beforeEach(() => {
    booking = new InMemoryBooking();
    store = booking.store;
    holds = booking.seatHolds;
    tokens = booking.bookingTokens;
    tokens.admit(TOKEN, buyer.userId, TOKEN_EXPIRES_AT);
    tokens.admit(OTHER_TOKEN, 'user-2', TOKEN_EXPIRES_AT);
    useCase = new BookSeatUseCase(
      booking.transactions,
      holds,
      booking.bookLogs,
      tokens,
      new FakeClock(NOW),
      AppConfig.fromRaw({ DATABASE_URL: 'postgres://x/y', SEAT_HOLD_TTL_SECONDS: '300' }),
    );
    addSeat(1);
    addSeat(2);
  });

  it('holds a free seat for SEAT_HOLD_TTL_SECONDS and logs HELD', async () => {
    const hold = await useCase.execute(1, TOKEN);
    expect(hold).toEqual({
      performanceSeatId: 1,
      ...buyer,
      bookAttemptAt: NOW,
      expiresAt: at(300),
    });
    expect(store.holds.get(1)).toMatchObject({ token: TOKEN, expiresAt: at(300) });
    expect(store.logs).toEqual([{ performanceSeatId: 1, ...buyer, result: 'HELD', at: NOW }]);
  });

  it("caps the hold at the token's expiry when the token ends first", async () => {
    tokens.admit(TOKEN, buyer.userId, at(20));
    const hold = await useCase.execute(1, TOKEN);
    expect(hold.expiresAt).toEqual(at(20));
    expect(store.holds.get(1)).toMatchObject({ token: TOKEN, expiresAt: at(20) });
  });

  it('holds, re-checks the token and logs in one attempt, outside any transaction', async () => {
    await useCase.execute(1, TOKEN);
    expect(booking.calls).toEqual(['attemptHold']);
    expect(booking.transactions.runs).toBe(0);
  });

  it('refuses, writing nothing, when another hold of the user commits as the attempt runs', async () => {
    // The database's unique index of the user's unpaid hold, as the adapter reports it.
    holds.attemptHold = () =>
      Promise.resolve({
        holder: { userId: buyer.userId, status: 'IN_PROGRESS', expiresAt: TOKEN_EXPIRES_AT },
        userHeldElsewhere: true,
        seat: null,
        holdsOfUser: [],
        won: null,
      });
    await expect(useCase.execute(1, TOKEN)).rejects.toBeInstanceOf(UserHasReservationError);
    expect(store.logs).toEqual([
      { performanceSeatId: 1, ...buyer, result: 'USER_HAS_RESERVATION', at: NOW },
    ]);
  });

  it('re-checks the token after taking the seat: a token expired meanwhile gets no hold', async () => {
    // Read active by the statement, no longer so under the share lock (a payment expired it).
    tokens.isActive = () => false;
    await expect(useCase.execute(1, TOKEN)).rejects.toBeInstanceOf(TokenInvalidError);
    expect(store.holds.get(1)?.token).toBeNull();
    // Like the guard's 401, not a booking attempt: nothing is logged.
    expect(store.logs).toEqual([]);
  });

  it('re-checks the token on a repeat of its live hold too', async () => {
    setHold(1, { ...buyer, bookAttemptAt: at(-60), expiresAt: at(240) });
    tokens.isActive = () => false;
    await expect(useCase.execute(1, TOKEN)).rejects.toBeInstanceOf(TokenInvalidError);
    expect(store.logs).toEqual([]);
  });

  it.each([
    ['unknown', null, TokenInvalidError],
    ['still in queue', 'IN_QUEUE', TokenStillInQueueError],
    ['EXPIRED', 'EXPIRED', TokenInvalidError],
    ['IN_PROGRESS past its TTL', 'OVERDUE', TokenInvalidError],
  ] as const)(
    'answers a token %s as the guard would, before the seat, and takes and logs nothing',
    async (_what, status, error) => {
      const token = 'c'.repeat(32);
      if (status === 'OVERDUE') tokens.admit(token, 'user-3', NOW);
      else if (status) {
        tokens.standings.set(token, {
          userId: 'user-3',
          status,
          expiresAt: status === 'IN_QUEUE' ? null : at(60),
        });
      }
      addSeat(3, { booked: true });
      for (const seat of [1, 3, 99]) {
        await expect(useCase.execute(seat, token)).rejects.toBeInstanceOf(error);
      }
      expect(store.holds.get(1)?.token).toBeNull();
      expect(store.logs).toEqual([]);
    },
  );

  it('answers a missing seat with PerformanceSeatNotFoundError and logs nothing', async () => {
    await expect(useCase.execute(99, TOKEN)).rejects.toBeInstanceOf(PerformanceSeatNotFoundError);
    expect(store.logs).toEqual([]);
  });

  it('refuses a paid seat, logging SEAT_ALREADY_BOOKED', async () => {
    addSeat(3, { booked: true });
    await expect(useCase.execute(3, TOKEN)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
    expect(store.logs).toEqual([
      { performanceSeatId: 3, ...buyer, result: 'SEAT_ALREADY_BOOKED', at: NOW },
    ]);
    expect(booking.calls).toEqual(['attemptHold']);
    expect(store.holds.get(3)?.token).toBeNull();
  });

  it.each([
    ['in the past', -1],
    ['exactly now', 0],
  ])('refuses a performance starting %s', async (_name, startsIn) => {
    addSeat(3, { startsIn });
    await expect(useCase.execute(3, TOKEN)).rejects.toBeInstanceOf(PerformanceStartedError);
    expect(results()).toEqual(['PERFORMANCE_STARTED']);
  });

  it('refuses a second seat while the user holds one, live', async () => {
    setHold(2, { ...buyer, bookAttemptAt: at(-10), expiresAt: at(290) });
    await expect(useCase.execute(1, TOKEN)).rejects.toBeInstanceOf(UserHasReservationError);
    expect(store.holds.get(1)?.token).toBeNull();
    expect(results()).toEqual(['USER_HAS_RESERVATION']);
  });

  it('counts the hold of an older token of the user, even on this very seat', async () => {
    setHold(1, { token: OTHER_TOKEN, userId: buyer.userId, bookAttemptAt: NOW, expiresAt: at(5) });
    await expect(useCase.execute(1, TOKEN)).rejects.toBeInstanceOf(UserHasReservationError);
    await expect(useCase.execute(2, TOKEN)).rejects.toBeInstanceOf(UserHasReservationError);
  });

  it("ignores the user's lapsed hold elsewhere, and releases it with the new hold", async () => {
    setHold(2, { ...buyer, bookAttemptAt: at(-300), expiresAt: NOW });
    await expect(useCase.execute(1, TOKEN)).resolves.toMatchObject({
      performanceSeatId: 1,
    });
    expect(store.holds.get(2)).toEqual(emptyHold(2));
  });

  it('answers a repeat by the same token with the same hold, not extended, logged ALREADY_HELD', async () => {
    setHold(1, { ...buyer, bookAttemptAt: at(-60), expiresAt: at(240) });
    const hold = await useCase.execute(1, TOKEN);
    expect(hold).toEqual({
      performanceSeatId: 1,
      ...buyer,
      bookAttemptAt: at(-60),
      expiresAt: at(240),
    });
    expect(store.holds.get(1)?.expiresAt).toEqual(at(240));
    expect(results()).toEqual(['ALREADY_HELD']);
  });

  it('refuses a seat another token holds, live', async () => {
    setHold(1, { token: OTHER_TOKEN, userId: 'user-2', bookAttemptAt: NOW, expiresAt: at(1) });
    await expect(useCase.execute(1, TOKEN)).rejects.toBeInstanceOf(SeatHeldByOtherError);
    expect(store.holds.get(1)?.token).toBe(OTHER_TOKEN);
    expect(results()).toEqual(['SEAT_HELD_BY_OTHER']);
  });

  it('takes a seat whose hold has lapsed, even if nothing has cleared it', async () => {
    setHold(1, { token: OTHER_TOKEN, userId: 'user-2', bookAttemptAt: at(-300), expiresAt: NOW });
    const hold = await useCase.execute(1, TOKEN);
    expect(hold.token).toBe(TOKEN);
    expect(results()).toEqual(['HELD']);
  });

  it('answers Seat is already booked when the seat was sold after the first check', async () => {
    // performance_seats said unpaid, but the book-info row shows the sale the payment made.
    setHold(1, {
      token: OTHER_TOKEN,
      userId: 'user-2',
      bookAttemptAt: NOW,
      expiresAt: at(9),
      bookSuccessAt: NOW,
    });
    await expect(useCase.execute(1, TOKEN)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
    expect(results()).toEqual(['SEAT_ALREADY_BOOKED']);
  });

  it('lets an unexpected error through without logging an attempt', async () => {
    holds.attemptHold = () => Promise.reject(new Error('connection lost'));
    await expect(useCase.execute(1, TOKEN)).rejects.toThrow('connection lost');
    expect(store.logs).toEqual([]);
  });
});
