import { TokenStanding } from '@app/queue/domain';
import { SeatHold, SeatHoldState } from '../../../domain/seat-hold';
import { SaleFacts } from '../../../domain/sold-seat.rule';

/** What booking needs to know about a seat before it holds it. */
export interface BookableSeat extends SaleFacts {
  performanceSeatId: number;
  performanceDatetime: Date;
}

/** What one hold attempt found and did (`attemptHold`). */
export interface HoldAttempt {
  /**
   * The token's standing, or null for an unknown token. Nothing is taken unless it is active
   * (the queue's rule); the caller answers 401/403 from it before anything else.
   */
  holder: TokenStanding | null;
  /**
   * Another unpaid hold of the holder's user committed while the statement ran: the user's
   * unique index refused this one and nothing was written. The seat allowed the hold (it is
   * only attempted then), so `seat` and `holdsOfUser` are not read (null and empty).
   */
  userHeldElsewhere: boolean;
  /** The seat, or null when there is none (then nothing else was looked at). */
  seat: BookableSeat | null;
  /** The user's live holds (normally at most one), on any seat and by any of their tokens. */
  holdsOfUser: SeatHold[];
  /**
   * The new hold, committed with its HELD log row: taken only when the seat is unpaid, its
   * performance ahead, free or its hold lapsed, the user holds nothing but (at most) this very
   * hold, and the holder's token is still active; null otherwise.
   */
  won: SeatHold | null;
}

/**
 * Seat holds in performance_seat_book_info. `attemptHold` is one statement, its own
 * transaction; the other methods join the ambient transaction.
 */
export abstract class SeatHoldRepository {
  /**
   * A booking's hot path, in one statement committed on its own (call it outside any
   * transaction), the request's only round trip: reads the presented token's standing (the
   * queue's row), the seat and the token user's live holds; when the token is active and they
   * allow it, releases the user's lapsed hold on another seat and takes this seat for the
   * token in one conditional write (one hold per seat, settled by the seat's row lock; one
   * unpaid hold per user, settled by the database's unique index) until `holdExpiry` of now,
   * `holdTtlSeconds` and the token's expiry, re-checks the token under a share lock (the
   * queue's check), and appends the HELD attempt to the booking log.
   * Throws TokenInvalidError, having written nothing, when it would have taken the seat but the
   * token is no longer active by then (a payment by the same token expired it).
   */
  abstract attemptHold(
    performanceSeatId: number,
    token: string,
    now: Date,
    holdTtlSeconds: number,
  ): Promise<HoldAttempt>;

  /** The seat's book-info row as committed now (after a lost `attemptHold`). */
  abstract findState(performanceSeatId: number): Promise<SeatHoldState | null>;

  /**
   * Clears up to `limit` lapsed, unpaid holds in one statement, skipping rows another
   * instance is working on; returns how many it cleared.
   */
  abstract releaseLapsed(now: Date, limit: number): Promise<number>;
}
