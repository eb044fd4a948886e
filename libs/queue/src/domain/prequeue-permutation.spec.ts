import { createHash } from 'node:crypto';
import { PrequeuePermutation } from './prequeue-permutation';

/** Fixed keys (tests are deterministic); at the opening the key comes from randomBytes(32). */
const keyOf = (name: string) => createHash('sha256').update(name).digest();

/** The 0.999 quantile of the chi-square distribution with 81 degrees of freedom. */
const CHI_SQUARE_81_P001 = 126.1;

describe('PrequeuePermutation: a keyed pseudorandom permutation of the pre-queue', () => {
  it.each([1, 2, 3, 4, 5, 16, 17, 1000, 1037, 4097])(
    'is a bijection of [0, %i), and inverse undoes forward',
    (size) => {
      const permutation = new PrequeuePermutation(keyOf('bijection'), size);
      const places = Array.from({ length: size }, (_, i) => permutation.forward(i));
      expect([...places].sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
      for (let i = 0; i < size; i += 1) {
        expect(permutation.inverse(places[i])).toBe(i);
      }
    },
  );

  it('gives an empty range no place and refuses items outside the range', () => {
    expect(new PrequeuePermutation(keyOf('empty'), 0).size).toBe(0);
    const permutation = new PrequeuePermutation(keyOf('range'), 10);
    expect(() => permutation.forward(10)).toThrow(RangeError);
    expect(() => permutation.inverse(-1)).toThrow(RangeError);
    expect(() => permutation.forward(1.5)).toThrow(RangeError);
    expect(() => new PrequeuePermutation(keyOf('range'), 2 ** 53)).toThrow(RangeError);
  });

  it('is the same order for the same key, another for another key, and not the arrival order', () => {
    const order = (key: Buffer, size: number) => {
      const permutation = new PrequeuePermutation(key, size);
      return Array.from({ length: size }, (_, i) => permutation.forward(i));
    };
    const identity = Array.from({ length: 1000 }, (_, i) => i);
    const a = order(keyOf('a'), 1000);
    expect(order(keyOf('a'), 1000)).toEqual(a);
    expect(order(keyOf('b'), 1000)).not.toEqual(a);
    expect(a).not.toEqual(identity);
    expect(a).not.toEqual([...identity].reverse());
    // Two keys agree on about one place in a thousand, as two random permutations do.
    const b = order(keyOf('b'), 1000);
    expect(a.filter((place, i) => place === b[i]).length).toBeLessThan(10);
  });

  it('works on large ranges: a million places, spot-checked', () => {
    const permutation = new PrequeuePermutation(keyOf('large'), 1_000_003);
    for (const i of [0, 1, 500_000, 999_999, 1_000_002]) {
      const place = permutation.forward(i);
      expect(place).toBeGreaterThanOrEqual(0);
      expect(place).toBeLessThan(1_000_003);
      expect(permutation.inverse(place)).toBe(i);
    }
  });

  it('places 10,000 arrivals uniformly: early arrivals get no better places', () => {
    const n = 10_000;
    const permutation = new PrequeuePermutation(keyOf('statistics'), n);
    const places = Array.from({ length: n }, (_, arrival) => permutation.forward(arrival));

    // The first 10 % to arrive: their mean place (1-based) is within 3 % of N/2.
    const early = places.slice(0, n / 10);
    const meanPlace = early.reduce((sum, place) => sum + place + 1, 0) / early.length;
    expect(Math.abs(meanPlace - n / 2) / (n / 2)).toBeLessThan(0.03);

    // Arrival decile against place decile: independent (chi-square, 81 degrees of freedom,
    // not rejected at p = 0.001).
    const buckets = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    places.forEach((place, arrival) => {
      buckets[Math.floor((arrival * 10) / n)][Math.floor((place * 10) / n)] += 1;
    });
    const expected = n / 100;
    const chiSquare = buckets
      .flat()
      .reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(CHI_SQUARE_81_P001);
  });
});
