import { QueueToken } from '../../../domain/queue-token';

/** The seat hold a token has (or last had): a row of performance_seat_book_info. */
export interface TokenSeatHold {
  id: number;
  performanceSeatId: number;
  bookAttemptAt: Date | null;
  bookSuccessAt: Date | null;
  expiresAt: Date | null;
}

/** Everything a token_info poll reads besides the token itself, fetched together. */
export interface PollSnapshot {
  /** The smallest IN_QUEUE id, or null when nobody waits. */
  headOfLine: number | null;
  /** Admissions in the last minute as last recorded by the job; null before any tick. */
  observedAdmissionsPerMinute: number | null;
  /** The seat hold carrying this token, the latest attempt first, or null. */
  seatHold: TokenSeatHold | null;
}

export interface NewQueueToken {
  userId: string;
  token: string;
  createdAt: Date;
}

export abstract class QueueTokenRepository {
  abstract findByToken(token: string): Promise<QueueToken | null>;
  /** Whether a payment was made with this token (its idempotent retry stays allowed). */
  abstract hasPayment(token: string): Promise<boolean>;

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
  /**
   * Refreshes last_seen_at of a live token, unless it was refreshed less than
   * LAST_SEEN_REFRESH_SECONDS ago (a conditional UPDATE, so racing polls write once).
   */
  abstract touch(id: number, now: Date): Promise<void>;
  /** The id at the head of the line (the smallest IN_QUEUE id), or null when nobody waits. */
  abstract headOfLine(): Promise<number | null>;
  /**
   * What a token_info poll needs, in one round trip: the poll is the hottest request while a
   * sale is queued, and each round trip costs more than the index probes themselves.
   */
  abstract pollSnapshot(token: string): Promise<PollSnapshot>;
}
