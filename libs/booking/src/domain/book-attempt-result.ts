/**
 * The `result` of a performance_seat_book_logs row: one per booking attempt, won or lost.
 * Payment reads HELD / ALREADY_HELD to tell "Queue expired" from "Seat is not held by this
 * token", so these strings are part of the schema's contract.
 */
export const BOOK_ATTEMPT_RESULTS = [
  'HELD',
  'ALREADY_HELD',
  'SEAT_ALREADY_BOOKED',
  'PERFORMANCE_STARTED',
  'USER_HAS_RESERVATION',
  'SEAT_HELD_BY_OTHER',
] as const;

export type BookAttemptResult = (typeof BOOK_ATTEMPT_RESULTS)[number];
