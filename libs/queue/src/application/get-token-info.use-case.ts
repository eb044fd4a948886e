import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import {
  estimatedWaitSeconds,
  needsLastSeenRefresh,
  positionInLine,
} from '../domain/admission-policy';
import { isActive, isLive, QueueToken, TokenStatus, visibleStatus } from '../domain/queue-token';
import { QueueTokenRepository, TokenSeatHold } from './port/out/queue-token.repository';

export interface TokenInfo {
  userId: string;
  status: TokenStatus;
  position: number | null;
  estimatedWaitSeconds: number | null;
  expiresAt: Date | null;
  seatHold: TokenSeatHold | null;
}

/**
 * GET /user_queue_tokens/token_info, the endpoint every waiting client polls. Its cost does
 * not grow with the line: the token comes by its unique index (the guard), then one
 * statement reads the head of the line (min(id) over the partial index
 * user_queue_tokens_waiting), the observed rate (one row) and the hold (the partial index on
 * book_info.token): O(log n) lookups, no count over the line, two round trips in all. The
 * last_seen_at write is skipped when it is recent.
 */
@Injectable()
export class GetTokenInfoUseCase {
  constructor(
    private readonly tokens: QueueTokenRepository,
    private readonly clock: Clock,
  ) {}

  async execute(token: QueueToken): Promise<TokenInfo> {
    const now = this.clock.now();
    if (isLive(token) && needsLastSeenRefresh(token.lastSeenAt, now)) {
      await this.tokens.touch(token.id, now);
    }
    const status = visibleStatus(token, now);
    const snapshot = await this.tokens.pollSnapshot(token.token);
    let position: number | null = null;
    let wait: number | null = null;
    if (status === 'IN_QUEUE') {
      position = positionInLine(token.id, snapshot.headOfLine);
      wait = estimatedWaitSeconds(position, snapshot.observedAdmissionsPerMinute);
    }
    return {
      userId: token.userId,
      status,
      position,
      estimatedWaitSeconds: wait,
      expiresAt: isActive(token, now) ? token.expiresAt : null,
      seatHold: snapshot.seatHold,
    };
  }
}
