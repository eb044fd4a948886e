import { SeatHold, SeatHoldState } from '../../../domain/seat-hold';
import { SaleFacts } from '../../../domain/sold-seat.rule';

/** What booking needs to know about a seat before it holds it. */
export interface BookableSeat extends SaleFacts {
  performanceSeatId: number;
  performanceDatetime: Date;
}

/** What one hold attempt found and did (`attemptHold`). */
export interface HoldAttempt {
  /** The seat, or null when there is none (then nothing else was looked at). */
  seat: BookableSeat | null;
  /** The user's live holds (normally at most one), on any seat and by any of their tokens. */
  holdsOfUser: SeatHold[];
  /**
   * The new hold, taken only when the seat is unpaid, its performance ahead, free or its hold
   * lapsed, and the user holds nothing but (at most) this very hold; null otherwise.
   */
  won: SeatHold | null;
  /**
   * When `won`: whether the holder's token was still active, read under a share lock on the
   * token's row taken after the seat's row lock (the payment's order). The attempt is logged
   * HELD only when it was; when it was not, the caller must roll the hold back. False when
   * not `won` (nothing was read).
   */
  tokenActive: boolean;
}

/**
 * Seat holds in performance_seat_book_info. Every method joins the ambient transaction, so
 * the advisory lock and the row lock of `attemptHold` last until the use case commits.
 */
export abstract class SeatHoldRepository {
  /** Serialises the booking attempts of one user until the transaction ends. */
  abstract lockUser(userId: string): Promise<void>;

  /**
   * The hot path of a booking, in one statement, after `lockUser`: reads the seat and the
   * user's live holds, takes the seat for this token in one conditional write when they allow
   * it (unpaid and free or its hold lapsed: one hold per seat, settled by the row lock; no
   * other live hold of the user: settled by `lockUser`), re-checks the holder's token under a
   * share lock (the queue's check), and appends the HELD attempt to the booking log when it
   * is still active.
   */
  abstract attemptHold(
    performanceSeatId: number,
    holder: { token: string; userId: string },
    now: Date,
    expiresAt: Date,
  ): Promise<HoldAttempt>;

  /** The seat's book-info row as committed now (after a lost `attemptHold`). */
  abstract findState(performanceSeatId: number): Promise<SeatHoldState | null>;

  /**
   * Clears up to `limit` lapsed, unpaid holds in one statement, skipping rows another
   * instance is working on; returns how many it cleared.
   */
  abstract releaseLapsed(now: Date, limit: number): Promise<number>;
}
