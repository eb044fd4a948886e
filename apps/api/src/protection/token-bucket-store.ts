import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Buckets kept at most; past it the least recently used one is forgotten (as if refilled), in
 * O(1): many addresses at once cost memory up to this bound, never a scan per request.
 */
const MAX_BUCKETS = 100_000;
/** How often buckets that have refilled completely (the same as no bucket) are dropped. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A token bucket per key for @fastify/rate-limit, whose own LocalStore counts in fixed
 * windows. Each key's bucket holds up to `burst` tokens and refills at `perSecond`; a request
 * takes one token, or is refused when less than one is left. In the plugin's terms:
 * `current > max` (max = burst) means refused, `max - current` is the tokens left, and `ttl`
 * is, when refused, the time until the next token (the plugin's `Retry-After`, rounded up to
 * whole seconds) and otherwise the time until the bucket is full again (`x-ratelimit-reset`).
 */
export function tokenBucketStore(
  perSecond: number,
  burst: number,
  now: () => number,
  maxBuckets = MAX_BUCKETS,
): FastifyRateLimitStoreCtor {
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  const refilled = (bucket: Bucket | undefined, at: number): number =>
    bucket === undefined
      ? burst
      : Math.min(burst, bucket.tokens + (Math.max(0, at - bucket.at) * perSecond) / 1000);

  const sweep = (at: number) => {
    lastSweep = at;
    for (const [key, bucket] of buckets) {
      if (refilled(bucket, at) >= burst) buckets.delete(key);
    }
  };

  class TokenBucketStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    ): void {
      const at = now();
      if (at - lastSweep >= SWEEP_EVERY_MS) sweep(at);
      let tokens = refilled(buckets.get(key), at);
      // Delete and set again: the Map's order is then least recently used first.
      buckets.delete(key);
      if (tokens >= 1) {
        tokens -= 1;
        buckets.set(key, { tokens, at });
        if (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value as string);
        const untilFull = ((burst - tokens) / perSecond) * 1000;
        callback(null, { current: burst - Math.floor(tokens), ttl: untilFull });
        return;
      }
      buckets.set(key, { tokens, at });
      if (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value as string);
      const untilNextToken = ((1 - tokens) / perSecond) * 1000;
      callback(null, { current: burst + 1, ttl: untilNextToken });
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return Object.assign(TokenBucketStore, { size: () => buckets.size });
}
