import { SeatHold, SeatHoldState } from '../../../domain/seat-hold';
import { SaleFacts } from '../../../domain/sold-seat.rule';

/** What booking needs to know about a seat before it tries to hold it. */
export interface BookableSeat extends SaleFacts {
  performanceSeatId: number;
  performanceDatetime: Date;
}

/**
 * Seat holds in performance_seat_book_info. Every method joins the ambient transaction, so
 * the advisory lock and the row lock of `tryHold` last until the use case commits.
 */
export abstract class SeatHoldRepository {
  abstract findSeat(performanceSeatId: number): Promise<BookableSeat | null>;

  /** Serialises the booking attempts of one user until the transaction ends. */
  abstract lockUser(userId: string): Promise<void>;

  /** The user's live holds (normally at most one), on any seat and by any of their tokens. */
  abstract findLiveHoldsOfUser(userId: string, now: Date): Promise<SeatHold[]>;

  /**
   * Takes the seat for this token in one conditional statement, only if it is unpaid and
   * free or its hold has lapsed; returns the new hold, or null when someone else has it.
   */
  abstract tryHold(
    performanceSeatId: number,
    holder: { token: string; userId: string },
    now: Date,
    expiresAt: Date,
  ): Promise<SeatHold | null>;

  /** The seat's book-info row as committed now (after a lost `tryHold`). */
  abstract findState(performanceSeatId: number): Promise<SeatHoldState | null>;

  /**
   * Clears up to `limit` lapsed, unpaid holds in one statement, skipping rows another
   * instance is working on; returns how many it cleared.
   */
  abstract releaseLapsed(now: Date, limit: number): Promise<number>;
}
