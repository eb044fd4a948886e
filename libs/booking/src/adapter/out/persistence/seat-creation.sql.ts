/**
 * The one statement that creates a performance's seats: seats 1..$3 of performance $1 at
 * price $2, each with its (empty) book-info row, set-based whatever the count. Answers the
 * seat ids in seat-number order. The catalog's new performances, the demo seed and the test
 * fixtures all create seats with it.
 */
export const CREATE_SEATS_SQL = `WITH seats AS (
       INSERT INTO performance_seats (concert_performance_id, seat_number, price)
       SELECT $1, n, $2 FROM generate_series(1, $3::int) AS n
       RETURNING id, seat_number
     ), info AS (
       INSERT INTO performance_seat_book_info (performance_seat_id) SELECT id FROM seats
     )
     SELECT id FROM seats ORDER BY seat_number`;
