import { isLiveHold, isSoldSeat, liveHoldSql, soldSeatSql } from '@app/booking/domain';

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
 * lapsed hold the release job has not cleared yet. Both rules are booking's (the sold seat
 * and the live hold); the catalog only names the outcome.
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
