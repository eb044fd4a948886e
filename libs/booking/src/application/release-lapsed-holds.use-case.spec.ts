import { Clock } from '@app/common/domain/clock';
import { ReleaseLapsedHoldsUseCase } from './release-lapsed-holds.use-case';
import { SeatHoldRepository } from './port/out/seat-hold.repository';

const NOW = new Date('2026-11-26T12:00:00.000Z');

class FixedClock extends Clock {
  now(): Date {
    return NOW;
  }
}

/** `lapsed` holds waiting; each call clears up to `limit` of them. */
function repositoryWith(lapsed: number) {
  const calls: { now: Date; limit: number }[] = [];
  let left = lapsed;
  const repository = {
    calls,
    releaseLapsed: async (now: Date, limit: number) => {
      calls.push({ now, limit });
      const released = Math.min(left, limit);
      left -= released;
      return released;
    },
  };
  return repository as unknown as SeatHoldRepository & { calls: typeof calls };
}

describe('ReleaseLapsedHoldsUseCase', () => {
  it('releases in batches until a batch comes back short, and returns the total', async () => {
    const repository = repositoryWith(1203);
    const released = await new ReleaseLapsedHoldsUseCase(repository, new FixedClock()).execute(500);
    expect(released).toBe(1203);
    expect(repository.calls).toEqual([
      { now: NOW, limit: 500 },
      { now: NOW, limit: 500 },
      { now: NOW, limit: 500 },
    ]);
  });

  it('makes one more call when the last batch was exactly full', async () => {
    const repository = repositoryWith(1000);
    expect(await new ReleaseLapsedHoldsUseCase(repository, new FixedClock()).execute(500)).toBe(
      1000,
    );
    expect(repository.calls).toHaveLength(3);
  });

  it('returns 0 when nothing has lapsed, after one call', async () => {
    const repository = repositoryWith(0);
    expect(await new ReleaseLapsedHoldsUseCase(repository, new FixedClock()).execute()).toBe(0);
    expect(repository.calls).toEqual([{ now: NOW, limit: 500 }]);
  });
});
