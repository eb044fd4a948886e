import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CREATE_SEATS_SQL } from '@app/booking/adapter/out/persistence/seat-creation.sql';

/**
 * Rows written straight into the test database, for tests whose subject is something else
 * (a booking test needs an active token, not the queue). Each mirrors what the app writes.
 */

export async function insertUser(db: DataSource, balance = '0.00'): Promise<string> {
  const [{ id }] = await db.query('INSERT INTO users (balance) VALUES ($1) RETURNING id', [
    balance,
  ]);
  if (Number(balance) > 0) {
    await db.query(`INSERT INTO balance_ledger (user_id, kind, amount) VALUES ($1, 'CHARGE', $2)`, [
      id,
      balance,
    ]);
  }
  return id;
}

export async function insertConcert(db: DataSource, name = 'Fixture Concert'): Promise<number> {
  const [{ id }] = await db.query('INSERT INTO concerts (name) VALUES ($1) RETURNING id', [name]);
  return Number(id);
}

export interface PerformanceFixture {
  performanceId: number;
  /** Seat ids in seat-number order (seat n is seatIds[n - 1]). */
  seatIds: number[];
}

/** A performance with seats 1..seats and their (empty) book-info rows. */
export async function insertPerformance(
  db: DataSource,
  concertId: number,
  options: { at: Date; seats?: number; price?: string },
): Promise<PerformanceFixture> {
  const seats = options.seats ?? 10;
  const price = options.price ?? '100.00';
  const [{ id }] = await db.query(
    `INSERT INTO concert_performances (concert_id, performance_datetime, max_seats, price)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [concertId, options.at, seats, price],
  );
  const rows: { id: string }[] = await db.query(CREATE_SEATS_SQL, [id, price, seats]);
  return { performanceId: Number(id), seatIds: rows.map((row) => Number(row.id)) };
}

export function newTokenValue(): string {
  return createHash('md5').update(randomBytes(16)).digest('hex');
}

/** An IN_PROGRESS token admitted at `now`, valid for `ttlSeconds`. */
export async function insertActiveToken(
  db: DataSource,
  userId: string,
  now: Date,
  ttlSeconds = 600,
): Promise<string> {
  const token = newTokenValue();
  await db.query(
    `INSERT INTO user_queue_tokens
       (user_id, token, status, created_at, last_seen_at, activated_at, expires_at)
     VALUES ($1, $2, 'IN_PROGRESS', $3, $3, $3, $4)`,
    [userId, token, now, new Date(now.getTime() + ttlSeconds * 1000)],
  );
  return token;
}

export async function insertQueuedToken(
  db: DataSource,
  userId: string,
  now: Date,
): Promise<string> {
  const token = newTokenValue();
  await db.query(
    `INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
     VALUES ($1, $2, 'IN_QUEUE', $3, $3)`,
    [userId, token, now],
  );
  return token;
}

/** A user with a balance and an active token: a buyer let in from the line. */
export async function insertBuyer(
  db: DataSource,
  now: Date,
  balance = '1000.00',
): Promise<{ userId: string; token: string }> {
  const userId = await insertUser(db, balance);
  return { userId, token: await insertActiveToken(db, userId, now) };
}

export interface BookInfoRow {
  token?: string | null;
  userId?: string | null;
  bookAttemptAt?: Date | null;
  expiresAt?: Date | null;
  bookSuccessAt?: Date | null;
}

/** Sets every column of a seat's book-info row (null where `row` leaves one out). */
export async function setBookInfo(db: DataSource, seatId: number, row: BookInfoRow): Promise<void> {
  await db.query(
    `UPDATE performance_seat_book_info
        SET token = $2, user_id = $3, book_attempt_at = $4, expires_at = $5, book_success_at = $6
      WHERE performance_seat_id = $1`,
    [
      seatId,
      row.token ?? null,
      row.userId ?? null,
      row.bookAttemptAt ?? null,
      row.expiresAt ?? null,
      row.bookSuccessAt ?? null,
    ],
  );
}

/** The seat side of a sale: the seat is booked and belongs to the user. */
export async function setSeatOwner(db: DataSource, seatId: number, userId: string): Promise<void> {
  await db.query('UPDATE performance_seats SET booked = true, user_id = $2 WHERE id = $1', [
    seatId,
    userId,
  ]);
}

/**
 * A seat sold as payment leaves it (without the payment and ledger rows): the seat booked by
 * the buyer, its hold taken at `at` and made a sale at once.
 */
export async function insertSale(
  db: DataSource,
  seatId: number,
  buyer: { userId: string; token: string },
  at: Date,
  ttlSeconds = 300,
): Promise<void> {
  await setSeatOwner(db, seatId, buyer.userId);
  await setBookInfo(db, seatId, {
    ...buyer,
    bookAttemptAt: at,
    expiresAt: new Date(at.getTime() + ttlSeconds * 1000),
    bookSuccessAt: at,
  });
}

/**
 * A live hold written as booking writes it: the seat's book-info row and a HELD log row. For
 * tests whose subject is what comes after a hold (payment), not the booking itself.
 */
export async function insertHold(
  db: DataSource,
  seatId: number,
  holder: { userId: string; token: string },
  at: Date,
  ttlSeconds = 300,
): Promise<Date> {
  const expiresAt = new Date(at.getTime() + ttlSeconds * 1000);
  await db.query(
    `UPDATE performance_seat_book_info
        SET token = $2, user_id = $3, book_attempt_at = $4, expires_at = $5
      WHERE performance_seat_id = $1`,
    [seatId, holder.token, holder.userId, at, expiresAt],
  );
  await db.query(
    `INSERT INTO performance_seat_book_logs
       (performance_seat_id, token, user_id, result, created_at, updated_at)
     VALUES ($1, $2, $3, 'HELD', $4, $4)`,
    [seatId, holder.token, holder.userId, at],
  );
  return expiresAt;
}
