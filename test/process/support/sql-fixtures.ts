import { Pool } from 'pg';
import { CREATE_SEATS_SQL } from '@app/booking/adapter/out/persistence/seat-creation.sql';

/**
 * Bulk rows written straight into the database (generate_series, one statement each), for the
 * process tests and the benchmark: thousands of buyers in milliseconds. They mirror what the
 * app writes (a CHARGE ledger row for every balance, 32-hex tokens).
 */

export interface Buyer {
  userId: string;
  token: string;
}

export interface InsertBuyersOptions {
  balance?: string;
  /** IN_PROGRESS (admitted, the default), IN_QUEUE (waiting) or none (users only, no token). */
  tokenStatus?: 'IN_PROGRESS' | 'IN_QUEUE' | 'none';
  ttlSeconds?: number;
  now?: Date;
}

/** `count` users with a balance (and its ledger row) and, unless `none`, a token each. */
export async function insertBuyers(
  pool: Pool,
  count: number,
  options: InsertBuyersOptions = {},
): Promise<Buyer[]> {
  const balance = options.balance ?? '1000.00';
  const now = options.now ?? new Date();
  const status = options.tokenStatus ?? 'IN_PROGRESS';
  const expiresAt = new Date(now.getTime() + (options.ttlSeconds ?? 600) * 1000);
  const { rows } = await pool.query<{ user_id: string; token: string | null }>(
    `WITH new_users AS (
       INSERT INTO users (balance) SELECT $2::numeric FROM generate_series(1, $1::int)
       RETURNING id
     ), numbered AS (
       SELECT id, row_number() OVER () AS n FROM new_users
     ), charges AS (
       INSERT INTO balance_ledger (user_id, kind, amount)
       SELECT id, 'CHARGE', $2::numeric FROM numbered WHERE $2::numeric > 0
     ), tokens AS (
       INSERT INTO user_queue_tokens
         (user_id, token, status, created_at, last_seen_at, activated_at, expires_at)
       SELECT id, md5(id::text || random()::text || clock_timestamp()::text),
              CASE WHEN $3::text = 'IN_PROGRESS' THEN 'IN_PROGRESS' ELSE 'IN_QUEUE' END::token_statuses,
              $4::timestamptz, $4::timestamptz,
              CASE WHEN $3::text = 'IN_PROGRESS' THEN $4::timestamptz END,
              CASE WHEN $3::text = 'IN_PROGRESS' THEN $5::timestamptz END
       FROM numbered WHERE $3::text <> 'none'
       ORDER BY n
       RETURNING user_id, token
     )
     SELECT numbered.id AS user_id, tokens.token
     FROM numbered LEFT JOIN tokens ON tokens.user_id = numbered.id
     ORDER BY numbered.n`,
    [count, balance, status, now, expiresAt],
  );
  return rows.map((row) => ({ userId: row.user_id, token: row.token ?? '' }));
}

export interface SeatsFixture {
  concertId: number;
  performanceId: number;
  /** Seat ids in seat-number order. */
  seatIds: number[];
}

/** A concert with one future performance of `seats` seats, each with its book-info row. */
export async function insertPerformance(
  pool: Pool,
  options: { seats: number; price?: string; at?: Date },
): Promise<SeatsFixture> {
  const price = options.price ?? '100.00';
  const at = options.at ?? new Date(Date.now() + 30 * 86_400_000);
  const {
    rows: [{ id: concertId }],
  } = await pool.query(`INSERT INTO concerts (name) VALUES ('Process Test Concert') RETURNING id`);
  const {
    rows: [{ id: performanceId }],
  } = await pool.query(
    `INSERT INTO concert_performances (concert_id, performance_datetime, max_seats, price)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [concertId, at, options.seats, price],
  );
  const { rows } = await pool.query<{ id: string }>(CREATE_SEATS_SQL, [
    performanceId,
    price,
    options.seats,
  ]);
  return {
    concertId: Number(concertId),
    performanceId: Number(performanceId),
    seatIds: rows.map((row) => Number(row.id)),
  };
}

/**
 * Tops the line up to `total` IN_QUEUE tokens (a user each, balance 0) in batches of
 * `batch` rows, one statement per batch and nothing sent back: a million in about a minute.
 * Returns the number of waiting tokens afterwards.
 */
export async function topUpQueue(
  pool: Pool,
  total: number,
  options: { batch?: number; onBatch?: (queued: number) => void } = {},
): Promise<number> {
  const batch = options.batch ?? 100_000;
  const count = async () =>
    (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
      )
    ).rows[0].n;
  let queued = await count();
  while (queued < total) {
    const size = Math.min(batch, total - queued);
    await pool.query(
      `WITH new_users AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, $1::int) RETURNING id
       )
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       SELECT id, md5(id::text || random()::text || clock_timestamp()::text), 'IN_QUEUE',
              clock_timestamp(), clock_timestamp()
       FROM new_users`,
      [size],
    );
    queued += size;
    options.onBatch?.(queued);
  }
  return queued;
}

/**
 * `count` waiting tokens spread evenly over the line (every n-th in issue order), or the
 * first `count` when `from: 'head'`.
 */
export async function sampleQueuedTokens(
  pool: Pool,
  count: number,
  from: 'spread' | 'head' = 'spread',
): Promise<string[]> {
  const {
    rows: [{ n }],
  } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
  );
  const step = from === 'head' ? 1 : Math.max(1, Math.floor(n / count));
  const { rows } = await pool.query<{ token: string }>(
    `SELECT token FROM (
       SELECT token, row_number() OVER (ORDER BY id) AS n
       FROM user_queue_tokens WHERE status = 'IN_QUEUE'
     ) line WHERE (n - 1) % $1 = 0 ORDER BY n LIMIT $2`,
    [step, count],
  );
  return rows.map((row) => row.token);
}
