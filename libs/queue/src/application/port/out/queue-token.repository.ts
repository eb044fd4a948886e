import { QueueToken } from '../../../domain/queue-token';
import { LineShape } from '../../../domain/waiting-line';

/**
 * The seat hold a token has (or last had). `expiresAt` is null when only the booking log
 * remembers the hold (the release job cleared the seat's row): the use case derives it.
 */
export interface TokenSeatHold {
  id: number;
  performanceSeatId: number;
  bookAttemptAt: Date | null;
  bookSuccessAt: Date | null;
  expiresAt: Date | null;
}

export interface NewQueueToken {
  userId: string;
  token: string;
  createdAt: Date;
}

/** What joining the line in one statement gives: the user's live token and the head then. */
export interface JoinedLine {
  token: QueueToken;
  /** True when this call issued it, false when it is the live token the user had. */
  created: boolean;
  /** The waiting keys as the statement saw them (its own new row aside). */
  shape: LineShape;
}

export abstract class QueueTokenRepository {
  abstract findByToken(token: string): Promise<QueueToken | null>;
  /** The known ones of these tokens, in one read (the live-position streams' batch). */
  abstract findManyByToken(tokens: readonly string[]): Promise<QueueToken[]>;

  /**
   * The fast path of joining, in one statement: the user's live token, or a new IN_QUEUE one
   * (with no key while a scheduled opening is ahead: it waits in the pre-queue).
   * Null when the slow path must decide: an unknown user, a live token past its TTL that the
   * job has not expired yet, or a concurrent join of the same user that won the insert.
   */
  abstract joinLine(token: NewQueueToken): Promise<JoinedLine | null>;

  /**
   * Serialises token issuing for one user until the transaction ends, so that concurrent
   * requests of one user see each other's token instead of racing to insert.
   */
  abstract lockUser(userId: string): Promise<void>;
  /** Marks the user's IN_PROGRESS token EXPIRED if it is past its TTL (the job may lag). */
  abstract expireOverdueOfUser(userId: string, now: Date): Promise<void>;
  abstract findLiveByUser(userId: string): Promise<QueueToken | null>;
  /** Inserts an IN_QUEUE token; null when the user already has a live one (index backstop). */
  abstract insertQueued(token: NewQueueToken): Promise<QueueToken | null>;
  /** Where the waiting keys are (the head, the opening's block's end, the sequence's head). */
  abstract lineShape(): Promise<LineShape>;

  /**
   * Records a waiting token's sign of life (last_seen_at = now), unless it already showed one
   * after `since`: a conditional UPDATE, so racing polls on several instances write once.
   * Compared to the millisecond (`since` is a JavaScript Date, the column keeps microseconds:
   * a row written by SQL with `clock_timestamp()` must not look newer than itself).
   */
  abstract signOfLife(id: number, now: Date, since: Date): Promise<void>;
  /** `signOfLife` for several waiters in one write (the live-position streams' batch). */
  abstract signsOfLife(waiters: readonly { id: number; since: Date }[], now: Date): Promise<void>;

  /** The token's current or last seat hold, the latest first, or null if it never held one. */
  abstract findSeatHold(token: string): Promise<TokenSeatHold | null>;
  /** `findSeatHold` for several tokens in one read: the tokens that ever held a seat. */
  abstract findSeatHolds(tokens: readonly string[]): Promise<Map<string, TokenSeatHold>>;
}
