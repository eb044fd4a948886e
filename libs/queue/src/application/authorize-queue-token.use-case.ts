import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import {
  QueueToken,
  refuseUnlessActive,
  TOKEN_FORMAT,
  TokenInvalidError,
} from '../domain/queue-token';
import { isStillWaiting, lineKeyOf } from '../domain/waiting-line';
import { LineSnapshotService } from './line-snapshot.service';
import { QueueTokenRepository } from './port/out/queue-token.repository';
import { WaitingTokenCache } from './waiting-token-cache';

/**
 * What a request may do with its token:
 * - ANY: any known token, whatever its status (token_info, the live-position stream);
 * - ACTIVE: an IN_PROGRESS token inside its TTL (the seat listing);
 * - ACTIVE_AT_WRITE: ACTIVE, checked by the route's own write in the same statement as the
 *   write (booking's hold): the guard only checks that a token of the right format came, and
 *   the route answers 401/403 from what its statement read, before anything else it answers.
 *   One round trip instead of a read, then the write that checks the token again anyway.
 */
export type QueueTokenAccess = 'ANY' | 'ACTIVE' | 'ACTIVE_AT_WRITE';

@Injectable()
export class AuthorizeQueueTokenUseCase {
  constructor(
    private readonly tokens: QueueTokenRepository,
    private readonly clock: Clock,
    private readonly cache: WaitingTokenCache,
    private readonly line: LineSnapshotService,
  ) {}

  /** ACTIVE_AT_WRITE: the token as presented, when it has the format of one (else 401). */
  presented(raw: unknown): string {
    if (typeof raw !== 'string' || !TOKEN_FORMAT.test(raw)) throw new TokenInvalidError();
    return raw;
  }

  async execute(
    raw: unknown,
    access: Exclude<QueueTokenAccess, 'ACTIVE_AT_WRITE'>,
  ): Promise<QueueToken> {
    const value = this.presented(raw);
    if (access === 'ANY') {
      // A waiting token is answered from what this instance knows: no lookup per poll.
      const waiting = await this.stillWaiting(value);
      if (waiting) return waiting;
    }
    // Everything else is checked against the database, every time.
    // The generation before the read: a placement racing the read makes the entry stale.
    const generation = access === 'ANY' ? (await this.line.current()).generation : -1;
    const token = await this.tokens.findByToken(value);
    if (!token) throw new TokenInvalidError();
    if (access === 'ANY') this.cache.remember(token, generation);
    if (access === 'ANY') return token;
    refuseUnlessActive(token, this.clock.now());
    return token;
  }

  private async stillWaiting(raw: string): Promise<QueueToken | null> {
    const cached = this.cache.get(raw);
    if (!cached) return null;
    const snapshot = await this.line.current();
    const { token } = cached;
    const lineKey = lineKeyOf(token, snapshot.opening);
    if (lineKey === null) {
      // Pre-queued, with no place the opening gives: still so until the next placement.
      return cached.generation === snapshot.generation ? token : null;
    }
    return isStillWaiting(lineKey, snapshot) ? token : null;
  }
}
