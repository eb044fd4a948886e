/**
 * The "sold seat" rule, once, in TypeScript and in SQL side by side. A seat is sold when its
 * seat row says so (performance_seats.booked) or its book-info row recorded the sale
 * (book_success_at): the payment sets both in one statement, so either is proof. Booking,
 * payment and the catalog's seat map and counts all ask here.
 */

/** What the rule reads: the seat row's flag and its book-info row's sale time. */
export interface SaleFacts {
  booked: boolean;
  bookSuccessAt: Date | null;
}

export function isSoldSeat(seat: SaleFacts): boolean {
  return seat.booked || seat.bookSuccessAt !== null;
}

/**
 * isSoldSeat in SQL: `seat` is the alias of a performance_seats row, `bookInfo` the alias of
 * its performance_seat_book_info row.
 */
export function soldSeatSql(seat: string, bookInfo: string): string {
  return `(${seat}.booked OR ${bookInfo}.book_success_at IS NOT NULL)`;
}
