import { FakeClock } from '@test/support/fake-clock';
import { InMemoryBooking } from '@test/support/fakes/in-memory-booking';
import { ReleaseLapsedHoldsUseCase } from './release-lapsed-holds.use-case';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/** `lapsed` holds that ended before NOW and one live hold; each call records its arguments. */
function bookingWith(lapsed: number) {
  const booking = new InMemoryBooking();
  const holder = { token: 'a'.repeat(32), userId: 'user-1', bookAttemptAt: at(-600) };
  for (let id = 1; id <= lapsed; id += 1) {
    booking.addSeat(id, { performanceDatetime: at(86_400) }, { ...holder, expiresAt: at(-id) });
  }
  booking.addSeat(0, { performanceDatetime: at(86_400) }, { ...holder, expiresAt: at(60) });
  const calls = jest.spyOn(booking.seatHolds, 'releaseLapsed');
  const useCase = new ReleaseLapsedHoldsUseCase(booking.seatHolds, new FakeClock(NOW));
  const held = () => [...booking.store.holds.values()].filter((row) => row.token !== null);
  return { calls, useCase, held };
}

describe('ReleaseLapsedHoldsUseCase', () => {
  it('releases in batches until a batch comes back short, and returns the total', async () => {
    const { calls, useCase, held } = bookingWith(1203);
    expect(await useCase.execute(500)).toBe(1203);
    expect(calls.mock.calls).toEqual([
      [NOW, 500],
      [NOW, 500],
      [NOW, 500],
    ]);
    expect(held().map((row) => row.performanceSeatId)).toEqual([0]);
  });

  it('makes one more call when the last batch was exactly full', async () => {
    const { calls, useCase } = bookingWith(1000);
    expect(await useCase.execute(500)).toBe(1000);
    expect(calls).toHaveBeenCalledTimes(3);
  });

  it('returns 0 when nothing has lapsed, after one call', async () => {
    const { calls, useCase, held } = bookingWith(0);
    expect(await useCase.execute()).toBe(0);
    expect(calls.mock.calls).toEqual([[NOW, 500]]);
    expect(held()).toHaveLength(1);
  });
});
