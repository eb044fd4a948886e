import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Clock } from '@app/common/domain/clock';
import {
  newTokenValue,
  QueueToken,
  QueueUserNotFoundError,
  TokenStatus,
} from '../domain/queue-token';
import { isActive } from '../domain/active-token.rule';
import { LineShape, lineKeyOf, placeInLine, SnapshotOpening } from '../domain/waiting-line';
import { LineSnapshotService } from './line-snapshot.service';
import { QueueTokenRepository } from './port/out/queue-token.repository';
import { UserDirectoryRepository } from './port/out/user-directory.repository';
import { WaitingTokenCache } from './waiting-token-cache';

export interface IssuedQueueToken {
  token: string;
  status: TokenStatus;
  /** 1-based place in line while IN_QUEUE, else null. */
  position: number | null;
}

/**
 * POST /user_queue_tokens: the user's live token, or a new IN_QUEUE one at the end of the
 * line. The common cases (a new waiter, or one asking again) take one statement. The rare
 * ones (an unknown user, a live token past its TTL the job has not expired yet, two requests
 * of one user racing) go through a transaction where requests of one user are serialised by
 * an advisory lock; the partial unique index user_queue_tokens_one_live_per_user backs both.
 */
@Injectable()
export class IssueQueueTokenUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tokens: QueueTokenRepository,
    private readonly users: UserDirectoryRepository,
    private readonly cache: WaitingTokenCache,
    private readonly line: LineSnapshotService,
    private readonly clock: Clock,
  ) {}

  async execute(rawUserId: string): Promise<IssuedQueueToken> {
    // One spelling per user, so that the advisory lock key is the same for every request.
    const userId = rawUserId.toLowerCase();
    const now = this.clock.now();
    // The generation the new token is cached under: read before the token is.
    const { generation, opening } = await this.line.current();
    const joined = await this.tokens.joinLine({
      userId,
      token: newTokenValue(userId, now),
      createdAt: now,
    });
    if (joined && (joined.token.status === 'IN_QUEUE' || isActive(joined.token, now))) {
      return this.answer(joined.token, joined.shape, generation, opening);
    }
    return this.slowPath(userId, now, generation, opening);
  }

  private async slowPath(
    userId: string,
    now: Date,
    generation: number,
    opening: SnapshotOpening | null,
  ): Promise<IssuedQueueToken> {
    const token = await this.transactions.run(async () => {
      await this.tokens.lockUser(userId);
      if (!(await this.users.exists(userId))) throw new QueueUserNotFoundError();
      // A token past its TTL is dead even if the job has not run: it must not block a new one.
      await this.tokens.expireOverdueOfUser(userId, now);
      return (
        (await this.tokens.findLiveByUser(userId)) ??
        (await this.tokens.insertQueued({
          userId,
          token: newTokenValue(userId, now),
          createdAt: now,
        })) ??
        (await this.requireLive(userId))
      );
    });
    const shape: LineShape =
      token.status === 'IN_QUEUE' && lineKeyOf(token, opening) !== null
        ? await this.tokens.lineShape()
        : { head: null, negTail: null, posHead: null };
    return this.answer(token, shape, generation, opening);
  }

  /**
   * A pre-queued token has no place until the opening (its key then comes from the opening
   * as this instance knows it): position null.
   */
  private answer(
    token: QueueToken,
    shape: LineShape,
    generation: number,
    opening: SnapshotOpening | null,
  ): IssuedQueueToken {
    this.cache.remember(token, generation);
    const lineKey = token.status === 'IN_QUEUE' ? lineKeyOf(token, opening) : null;
    return {
      token: token.token,
      status: token.status,
      position: lineKey === null ? null : placeInLine(lineKey, shape),
    };
  }

  private async requireLive(userId: string): Promise<QueueToken> {
    const token = await this.tokens.findLiveByUser(userId);
    if (!token) throw new Error(`No live token for user ${userId} after a conflicting insert`);
    return token;
  }
}
