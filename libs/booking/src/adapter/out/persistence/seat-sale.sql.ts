/**
 * Booking's statements of a sale (performance_seats, performance_seat_book_info), as SQL the
 * checkout embeds in its one statement: booking writes them, payment only composes them (see
 * the README's ownership table). Every argument is SQL: a parameter such as `$1`, or a name
 * or condition of the composing statement.
 */

/**
 * The seat for sale, locked: its book-info row FOR UPDATE, then its seat row FOR NO KEY UPDATE
 * (in that order: it is the row holds, releases and payments all contend on, and one fixed
 * order, book-info, seat, token, user, keeps concurrent payments from deadlocking), both read
 * as last committed once locked. NO KEY UPDATE is as exclusive as the UPDATE that sells the
 * seat, yet it lets the foreign-key checks of concurrent booking-log inserts on this seat
 * through instead of queueing them. The performance row is read, not locked: its start time
 * is all a sale needs of it. Columns: the hold's `token`, `hold_user_id`, `expires_at`,
 * `book_success_at` (so that liveHoldSql and soldSeatSql apply to the row), and the seat's
 * `id`, `concert_performance_id`, `seat_number`, `price`, `booked`, `performance_datetime`.
 * No row for an unknown seat, or while `when` is false (then nothing is read or locked).
 */
export function seatForSaleLockSql(seatId: string, when = 'true'): string {
  return `SELECT i.token, i.user_id AS hold_user_id, i.expires_at, i.book_success_at,
                 s.id, s.concert_performance_id, s.seat_number, s.price, s.booked,
                 p.performance_datetime
            FROM performance_seat_book_info i
            JOIN performance_seats s ON s.id = i.performance_seat_id
            JOIN concert_performances p ON p.id = s.concert_performance_id
           WHERE i.performance_seat_id = ${seatId} AND (${when})
             FOR UPDATE OF i
             FOR NO KEY UPDATE OF s`;
}

/**
 * The sale, as two CTEs named `names.hold` and `names.seat`: the hold becomes a sale
 * (book_success_at) if it is still this token's and unsold, and only then the seat becomes the
 * user's (booked, user_id) if it is still unsold; one row each (`performance_seat_id`, `id`)
 * when done. `from` is a FROM list of the composing statement the sale is gated on (it happens
 * once per row of it: give it at most one row), e.g. its payment.
 */
export function seatSaleCtes(
  names: { hold: string; seat: string },
  sale: { seatId: string; token: string; userId: string; at: string; from: string },
): string {
  return `${names.hold} AS (
         UPDATE performance_seat_book_info SET book_success_at = ${sale.at}
           FROM ${sale.from}
          WHERE performance_seat_book_info.performance_seat_id = ${sale.seatId}
            AND performance_seat_book_info.token = ${sale.token}
            AND performance_seat_book_info.book_success_at IS NULL
          RETURNING performance_seat_book_info.performance_seat_id
       ), ${names.seat} AS (
         UPDATE performance_seats SET booked = true, user_id = ${sale.userId}
          WHERE id = (SELECT performance_seat_id FROM ${names.hold}) AND NOT booked
          RETURNING id
       )`;
}
