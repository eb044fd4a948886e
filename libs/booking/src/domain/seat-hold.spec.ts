import { isLiveHold } from './live-hold.rule';
import { holdExpiry, liveHoldOf, SeatHoldState } from './seat-hold';
import { isSoldSeat } from './sold-seat.rule';

const now = new Date('2026-11-26T12:00:00.000Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

const held = (overrides: Partial<SeatHoldState> = {}): SeatHoldState => ({
  performanceSeatId: 7,
  token: 'a'.repeat(32),
  userId: 'u1',
  bookAttemptAt: at(-10),
  expiresAt: at(290),
  bookSuccessAt: null,
  booked: false,
  ...overrides,
});

describe('seat hold', () => {
  it('is live while unpaid and its expiry is ahead', () => {
    expect(isLiveHold(held(), now)).toBe(true);
    expect(isLiveHold(held({ expiresAt: at(0.001) }), now)).toBe(true);
  });

  it('lapses exactly at its expiry, whether or not anything has cleared it', () => {
    expect(isLiveHold(held({ expiresAt: now }), now)).toBe(false);
    expect(isLiveHold(held({ expiresAt: at(-1) }), now)).toBe(false);
  });

  it('is not a live hold once paid, nor when the row is empty', () => {
    expect(isLiveHold(held({ bookSuccessAt: at(-5) }), now)).toBe(false);
    const empty = held({ token: null, userId: null, bookAttemptAt: null, expiresAt: null });
    expect(isLiveHold(empty, now)).toBe(false);
    expect(liveHoldOf(empty, now)).toBeNull();
  });

  it('tells a sale by book_success_at or by the seat row', () => {
    expect(isSoldSeat(held({ bookSuccessAt: at(-5) }))).toBe(true);
    expect(isSoldSeat(held({ booked: true }))).toBe(true);
    expect(isSoldSeat(held())).toBe(false);
  });

  it('gives the live hold of a row', () => {
    expect(liveHoldOf(held(), now)).toEqual({
      performanceSeatId: 7,
      token: 'a'.repeat(32),
      userId: 'u1',
      bookAttemptAt: at(-10),
      expiresAt: at(290),
    });
    expect(liveHoldOf(held({ expiresAt: at(-1) }), now)).toBeNull();
  });

  it('expires TTL seconds after it is taken, or when its token expires if that is sooner', () => {
    expect(holdExpiry(now, 300, at(600))).toEqual(at(300));
    expect(holdExpiry(now, 300, at(300))).toEqual(at(300));
    expect(holdExpiry(now, 300, at(20))).toEqual(at(20));
  });
});
