import { isLiveHold, liveHoldSql } from './live-hold.rule';
import { isSoldSeat, soldSeatSql } from './sold-seat.rule';

export type SeatStatus = 'AVAILABLE' | 'HELD' | 'BOOKED';

/** What the tables say about one seat: its sale flag and its book-info row. */
export interface SeatFacts {
  booked: boolean;
  holdToken: string | null;
  holdExpiresAt: Date | null;
  bookSuccessAt: Date | null;
}

/**
 * BOOKED once sold; HELD while someone's hold is live; AVAILABLE otherwise, including a
 * lapsed hold the release job has not cleared yet: the two seat rules (sold seat, live hold)
 * combined, for the catalog's seat map and counts. availableSeatSql is its SQL twin.
 */
export function seatStatus(facts: SeatFacts, now: Date): SeatStatus {
  if (isSoldSeat(facts)) return 'BOOKED';
  const hold = { token: facts.holdToken, expiresAt: facts.holdExpiresAt, bookSuccessAt: null };
  if (isLiveHold(hold, now)) return 'HELD';
  return 'AVAILABLE';
}

/**
 * seatStatus(...) === 'AVAILABLE' in SQL, for counting in one statement: `seat` aliases a
 * performance_seats row, `bookInfo` its performance_seat_book_info row, `now` a parameter.
 */
export function availableSeatSql(seat: string, bookInfo: string, now: string): string {
  return `NOT ${soldSeatSql(seat, bookInfo)} AND NOT ${liveHoldSql(bookInfo, now)}`;
}
