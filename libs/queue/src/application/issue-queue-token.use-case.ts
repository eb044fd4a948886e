import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Clock } from '@app/common/domain/clock';
import { needsLastSeenRefresh, positionInLine } from '../domain/admission-policy';
import {
  newTokenValue,
  QueueToken,
  QueueUserNotFoundError,
  TokenStatus,
} from '../domain/queue-token';
import { QueueTokenRepository } from './port/out/queue-token.repository';
import { UserDirectoryRepository } from './port/out/user-directory.repository';

export interface IssuedQueueToken {
  token: string;
  status: TokenStatus;
  /** 1-based place in line while IN_QUEUE, else null. */
  position: number | null;
}

/**
 * POST /user_queue_tokens: the user's live token, or a new IN_QUEUE one at the end of the
 * line. One live token per user holds under any concurrency: requests of one user are
 * serialised by a transaction-level advisory lock, and the partial unique index
 * user_queue_tokens_one_live_per_user backs it up.
 */
@Injectable()
export class IssueQueueTokenUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tokens: QueueTokenRepository,
    private readonly users: UserDirectoryRepository,
    private readonly clock: Clock,
  ) {}

  async execute(rawUserId: string): Promise<IssuedQueueToken> {
    // One spelling per user, so that the advisory lock key is the same for every request.
    const userId = rawUserId.toLowerCase();
    return this.transactions.run(async () => {
      await this.tokens.lockUser(userId);
      if (!(await this.users.exists(userId))) throw new QueueUserNotFoundError();
      const now = this.clock.now();
      // A token past its TTL is dead even if the job has not run: it must not block a new one.
      await this.tokens.expireOverdueOfUser(userId, now);
      let token = await this.tokens.findLiveByUser(userId);
      if (token) {
        // Asking again is a sign of life, like a poll.
        if (needsLastSeenRefresh(token.lastSeenAt, now)) await this.tokens.touch(token.id, now);
      } else {
        token =
          (await this.tokens.insertQueued({
            userId,
            token: newTokenValue(userId, now),
            createdAt: now,
          })) ?? (await this.requireLive(userId));
      }
      return {
        token: token.token,
        status: token.status,
        position: await this.positionOf(token),
      };
    });
  }

  private async requireLive(userId: string): Promise<QueueToken> {
    const token = await this.tokens.findLiveByUser(userId);
    if (!token) throw new Error(`No live token for user ${userId} after a conflicting insert`);
    return token;
  }

  private async positionOf(token: QueueToken): Promise<number | null> {
    if (token.status !== 'IN_QUEUE') return null;
    return positionInLine(token.id, await this.tokens.headOfLine());
  }
}
