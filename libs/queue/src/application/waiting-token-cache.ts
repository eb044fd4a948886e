import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '@app/common/config/app-config';
import { QueueToken } from '../domain/queue-token';

/** A waiting token as cached: its facts, and the line generation it was read in. */
export interface CachedToken {
  token: QueueToken;
  generation: number;
}

/**
 * One cached waiter, as small as it can be: the token value is the cache's key, the status is
 * IN_QUEUE by construction (nothing else is kept) and the times are epoch milliseconds rather
 * than Date objects. A QueueToken is rebuilt from it per poll (short-lived, young-generation
 * garbage) instead of a full one being kept per waiter: with 100,000 waiters cached this
 * about halves the cache's heap.
 */
class Waiter {
  constructor(
    readonly id: number,
    readonly userId: string,
    readonly lineKey: number | null,
    readonly createdAtMs: number,
    readonly lastSeenAtMs: number,
    readonly generation: number,
    /** A pre-queued token's arrival number (null: none) and its ticket's lateBelow. */
    readonly prequeueSeq: number | null,
    readonly lateBelow: number,
  ) {}
}

/**
 * What never changes for a waiting token (its id, user, place key or arrival number, and
 * creation time), kept per instance so that a waiting token's poll needs no lookup. Only
 * IN_QUEUE tokens are kept, and only trusted while the line snapshot says they are still
 * waiting (a pre-queued token the snapshot's opening does not place: while no placement
 * happened since it was read); bounded by QUEUE_TOKEN_CACHE_SIZE (least recently polled out
 * first).
 */
@Injectable()
export class WaitingTokenCache {
  private readonly entries: LRUCache<string, Waiter>;

  constructor(config: AppConfig) {
    this.entries = new LRUCache({ max: Math.max(1, config.queueTokenCacheSize) });
  }

  get(token: string): CachedToken | undefined {
    const waiter = this.entries.get(token);
    if (!waiter) return undefined;
    return {
      token: {
        id: waiter.id,
        token,
        userId: waiter.userId,
        status: 'IN_QUEUE',
        lineKey: waiter.lineKey,
        createdAt: new Date(waiter.createdAtMs),
        lastSeenAt: new Date(waiter.lastSeenAtMs),
        activatedAt: null,
        expiresAt: null,
        prequeue:
          waiter.prequeueSeq === null
            ? null
            : { seq: waiter.prequeueSeq, lateBelow: waiter.lateBelow },
      },
      generation: waiter.generation,
    };
  }

  /** Keeps a waiting token; forgets any other (its answers are read from the database). */
  remember(token: QueueToken, generation: number): void {
    if (token.status === 'IN_QUEUE' && token.activatedAt === null && token.expiresAt === null) {
      this.entries.set(
        token.token,
        new Waiter(
          token.id,
          token.userId,
          token.lineKey,
          token.createdAt.getTime(),
          token.lastSeenAt.getTime(),
          generation,
          token.prequeue?.seq ?? null,
          token.prequeue?.lateBelow ?? 0,
        ),
      );
    } else {
      this.entries.delete(token.token);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
