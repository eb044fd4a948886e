import { tokenBucketStore } from './token-bucket-store';

type Result = { current: number; ttl: number };

describe('tokenBucketStore', () => {
  let time: number;
  const make = (perSecond: number, burst: number, maxBuckets?: number) => {
    const Store = tokenBucketStore(perSecond, burst, () => time, maxBuckets);
    const store = new Store({});
    const take = (key: string): Result => {
      let result: Result | undefined;
      store.incr(
        key,
        (error, value) => {
          expect(error).toBeNull();
          result = value;
        },
        0,
        burst,
      );
      return result!;
    };
    return { Store, take };
  };

  beforeEach(() => {
    time = 1_000_000;
  });

  it('gives a full bucket, then refuses with the time until the next token', () => {
    const { take } = make(2, 3);
    expect([take('a'), take('a'), take('a')].map((result) => result.current)).toEqual([1, 2, 3]);
    const refused = take('a');
    expect(refused.current).toBeGreaterThan(3);
    expect(refused.ttl).toBeCloseTo(500);
    time += 250;
    expect(take('a').ttl).toBeCloseTo(250);
    time += 250;
    expect(take('a').current).toBeLessThanOrEqual(3);
  });

  it('refills at the rate, never above the burst', () => {
    const { take } = make(10, 5);
    for (let index = 0; index < 5; index += 1) take('a');
    time += 60_000;
    const allowed = Array.from({ length: 8 }, () => take('a').current <= 5).filter(Boolean);
    expect(allowed).toHaveLength(5);
  });

  it('keeps a bucket per key', () => {
    const { take } = make(1, 1);
    expect(take('a').current).toBe(1);
    expect(take('a').current).toBe(2);
    expect(take('b').current).toBe(1);
  });

  it('forgets full buckets and bounds how many it keeps', () => {
    const { Store, take } = make(1, 2, 100);
    const size = (Store as unknown as { size(): number }).size;
    for (let index = 0; index < 1000; index += 1) take(`client-${index}`);
    expect(size()).toBeLessThanOrEqual(100);
    // After a minute every bucket is full again (the same as none): the next call drops them.
    time += 61_000;
    take('late');
    expect(size()).toBe(1);
  });
});
