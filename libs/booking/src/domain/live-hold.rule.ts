/**
 * The "live hold" rule, once, in TypeScript and in SQL side by side. A seat's book-info row
 * (performance_seat_book_info) holds the seat for its token while the hold is unpaid and its
 * expiry is still ahead. A lapsed hold counts as free at once, whether or not the release job
 * has cleared the row yet. Booking, payment, the catalog's seat map and counts and the metrics
 * all ask here; change the rule here and in both forms, never in a copy.
 */

/** What the rule reads of a book-info row. */
export interface HoldFacts {
  token: string | null;
  expiresAt: Date | null;
  bookSuccessAt: Date | null;
}

export function isLiveHold(hold: HoldFacts, now: Date): boolean {
  return (
    hold.token !== null &&
    hold.bookSuccessAt === null &&
    hold.expiresAt !== null &&
    hold.expiresAt.getTime() > now.getTime()
  );
}

/** A hold past its expiry, still unpaid: free already, and what the release job clears. */
export function isLapsedHold(hold: HoldFacts, now: Date): boolean {
  return (
    hold.token !== null &&
    hold.bookSuccessAt === null &&
    hold.expiresAt !== null &&
    hold.expiresAt.getTime() <= now.getTime()
  );
}

const column = (bookInfo: string, name: string) => (bookInfo === '' ? name : `${bookInfo}.${name}`);

/**
 * isLiveHold in SQL: `bookInfo` is the alias of a performance_seat_book_info row ('' for its
 * bare columns), `now` the SQL of the current time (a parameter such as `$2`). Its conjuncts
 * match the partial indexes on open holds (token IS NOT NULL AND book_success_at IS NULL).
 */
export function liveHoldSql(bookInfo: string, now: string): string {
  const c = (name: string) => column(bookInfo, name);
  return `(${c('token')} IS NOT NULL AND ${c('book_success_at')} IS NULL AND ${c('expires_at')} > ${now})`;
}

/** isLapsedHold in SQL (same arguments as liveHoldSql). */
export function lapsedHoldSql(bookInfo: string, now: string): string {
  const c = (name: string) => column(bookInfo, name);
  return `(${c('token')} IS NOT NULL AND ${c('book_success_at')} IS NULL AND ${c('expires_at')} <= ${now})`;
}
