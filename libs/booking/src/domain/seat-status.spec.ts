import { SeatFacts, seatStatus } from './seat-status';

const now = new Date('2026-11-26T12:00:00.000Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const free: SeatFacts = {
  booked: false,
  holdToken: null,
  holdExpiresAt: null,
  bookSuccessAt: null,
};
const held = (expiresIn: number): SeatFacts => ({
  ...free,
  holdToken: 'a'.repeat(32),
  holdExpiresAt: at(expiresIn),
});

describe('seatStatus', () => {
  it('is AVAILABLE with no hold', () => {
    expect(seatStatus(free, now)).toBe('AVAILABLE');
  });

  it('is HELD while a hold is live', () => {
    expect(seatStatus(held(1), now)).toBe('HELD');
  });

  it('is AVAILABLE again the moment a hold lapses, before anything clears it', () => {
    expect(seatStatus(held(0), now)).toBe('AVAILABLE');
    expect(seatStatus(held(-60), now)).toBe('AVAILABLE');
  });

  it('is BOOKED once paid, whatever the hold fields say', () => {
    expect(seatStatus({ ...held(-60), booked: true, bookSuccessAt: at(-100) }, now)).toBe('BOOKED');
    expect(seatStatus({ ...held(60), bookSuccessAt: at(-1) }, now)).toBe('BOOKED');
    expect(seatStatus({ ...free, booked: true }, now)).toBe('BOOKED');
  });
});
