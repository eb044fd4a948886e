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
 * What never changes for a waiting token (its id, user, place key and creation time), kept
 * per instance so that a waiting token's poll needs no lookup. Only IN_QUEUE tokens are
 * kept, and only trusted while the line snapshot says they are still waiting (a pre-queued
 * token: while no placement happened since it was read); bounded by QUEUE_TOKEN_CACHE_SIZE
 * (least recently polled out first).
 */
@Injectable()
export class WaitingTokenCache {
  private readonly entries: LRUCache<string, CachedToken>;

  constructor(config: AppConfig) {
    this.entries = new LRUCache({ max: Math.max(1, config.queueTokenCacheSize) });
  }

  get(token: string): CachedToken | undefined {
    return this.entries.get(token);
  }

  /** Keeps a waiting token; forgets any other (its answers are read from the database). */
  remember(token: QueueToken, generation: number): void {
    if (token.status === 'IN_QUEUE') {
      this.entries.set(token.token, { token, generation });
    } else {
      this.entries.delete(token.token);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
