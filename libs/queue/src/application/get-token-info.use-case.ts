import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { addSeconds, Clock } from '@app/common/domain/clock';
import { isActive } from '../domain/active-token.rule';
import { QueueToken, TokenStatus, visibleStatus } from '../domain/queue-token';
import {
  estimateWaitSeconds,
  LineShape,
  LineSnapshot,
  lineKeyOf,
  needsSignOfLife,
  placeInLine,
} from '../domain/waiting-line';
import { LineSnapshotService } from './line-snapshot.service';
import { QueueTokenRepository, TokenSeatHold } from './port/out/queue-token.repository';
import { WaitingTokenCache } from './waiting-token-cache';

export interface TokenInfo {
  userId: string;
  status: TokenStatus;
  position: number | null;
  estimatedWaitSeconds: number | null;
  expiresAt: Date | null;
  seatHold: TokenSeatHold | null;
  /** For a pre-queued token: the scheduled opening it waits for; else null. */
  opensAt: Date | null;
}

/**
 * GET /user_queue_tokens/token_info, the request every waiting client sends. A waiting token
 * is answered from this instance's line snapshot (read once per tick for every poll): its
 * place, the estimate, no hold (a waiting token cannot book). The database is written only
 * when the token is near the head and owes its one sign of life there. A token that left the
 * line, or any other, gets its exact, database-checked answer.
 */
@Injectable()
export class GetTokenInfoUseCase {
  constructor(
    private readonly tokens: QueueTokenRepository,
    private readonly line: LineSnapshotService,
    private readonly cache: WaitingTokenCache,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(token: QueueToken): Promise<TokenInfo> {
    const now = this.clock.now();
    if (token.status === 'IN_QUEUE') {
      const snapshot = await this.line.current();
      // A pre-queued token's key comes from its opening, written in its row or not yet.
      const lineKey = lineKeyOf(token, snapshot.opening);
      if (lineKey !== null) return this.waiting(token, lineKey, snapshot, now);
      return this.prequeued(token, snapshot);
    }
    return this.leftLine(token, await this.tokens.findSeatHold(token.token), now);
  }

  /**
   * Pre-queued for a scheduled opening: no place until the opening (or, for a late arrival,
   * until it is placed at the end).
   */
  prequeued(token: QueueToken, snapshot: LineSnapshot): TokenInfo {
    return {
      userId: token.userId,
      status: 'IN_QUEUE',
      position: null,
      estimatedWaitSeconds: null,
      expiresAt: null,
      seatHold: null,
      opensAt: snapshot.opensAt,
    };
  }

  /**
   * A waiting token's answer from the snapshot alone, when the snapshot has a head (a token
   * still waiting by `isStillWaiting`); the caller owes the sign of life (`needsSignOfLife`).
   */
  waitingIn(
    token: QueueToken,
    lineKey: number,
    shape: LineShape,
    snapshot: LineSnapshot,
    now: Date,
  ): TokenInfo {
    const position = placeInLine(lineKey, shape);
    return {
      userId: token.userId,
      status: 'IN_QUEUE',
      position,
      estimatedWaitSeconds: estimateWaitSeconds(position, snapshot, now),
      expiresAt: null,
      seatHold: null,
      opensAt: null,
    };
  }

  /**
   * A token that left the line (IN_PROGRESS or EXPIRED), from its row and its last hold as
   * `findSeatHold` reads it.
   */
  leftLine(token: QueueToken, hold: TokenSeatHold | null, now: Date): TokenInfo {
    return {
      userId: token.userId,
      status: visibleStatus(token, now),
      position: null,
      estimatedWaitSeconds: null,
      expiresAt: isActive(token, now) ? token.expiresAt : null,
      seatHold: this.derivedHold(token, hold),
      opensAt: null,
    };
  }

  private async waiting(
    token: QueueToken,
    lineKey: number,
    snapshot: LineSnapshot,
    now: Date,
  ): Promise<TokenInfo> {
    const facts = { lineKey, createdAt: token.createdAt, lastSeenAt: token.lastSeenAt };
    if (needsSignOfLife(facts, snapshot.zone, now, this.config.queueAbandonAfterSeconds)) {
      await this.tokens.signOfLife(token.id, now, token.lastSeenAt);
      this.cache.remember({ ...token, lastSeenAt: now }, snapshot.generation);
    }
    // A token that joined an empty line after the snapshot was read: ask for the head, so
    // that the place is never under the truth.
    const shape = snapshot.head === null ? await this.tokens.lineShape() : snapshot;
    return this.waitingIn(token, lineKey, shape, snapshot, now);
  }

  /** The current or last hold; when only the log remembers it, its expiry is derived. */
  private derivedHold(token: QueueToken, hold: TokenSeatHold | null): TokenSeatHold | null {
    if (!hold || hold.expiresAt !== null || hold.bookAttemptAt === null) return hold;
    let expiresAt = addSeconds(hold.bookAttemptAt, this.config.seatHoldTtlSeconds);
    if (token.expiresAt && token.expiresAt.getTime() < expiresAt.getTime()) {
      expiresAt = token.expiresAt;
    }
    return { ...hold, expiresAt };
  }
}
