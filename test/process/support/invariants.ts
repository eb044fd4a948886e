import { Pool } from 'pg';

export interface InvariantReport {
  /** Human-readable violations; empty when every invariant holds. */
  violations: string[];
  seatsSold: number;
  payments: number;
  liveHolds: number;
  activeTokens: number;
}

export interface InvariantOptions {
  /** The cap on IN_PROGRESS tokens (queue_settings.max_active or the env value). */
  maxActive?: number;
  /** In a rush where each buyer wants one seat: nobody may have paid twice. */
  onePaymentPerUser?: boolean;
  now?: Date;
}

/**
 * The contract's invariants, checked in SQL after a race, a rush or a fault. Each query returns
 * the offending rows (or a count), so a failure says what broke.
 */
export async function checkInvariants(
  pool: Pool,
  options: InvariantOptions = {},
): Promise<InvariantReport> {
  const now = options.now ?? new Date();
  const violations: string[] = [];
  const rows = async (label: string, sql: string, params: unknown[] = []) => {
    const { rows: found } = await pool.query(sql, params);
    if (found.length > 0) {
      violations.push(`${label}: ${JSON.stringify(found.slice(0, 5))}`);
    }
  };

  // 1. A seat is paid for at most once, and a sold seat is exactly a paid seat.
  await rows(
    'seat paid more than once',
    `SELECT performance_seat_id, count(*)::int AS n FROM payments
     GROUP BY performance_seat_id HAVING count(*) > 1`,
  );
  await rows(
    'booked seat without its payment (or owned by someone else)',
    `SELECT s.id FROM performance_seats s
     LEFT JOIN payments p ON p.performance_seat_id = s.id AND p.user_id = s.user_id
     WHERE s.booked AND p.id IS NULL`,
  );
  // 5. No half-written payment: its seat, its book info, its ledger row and its token.
  await rows(
    'payment whose seat is not booked for its payer',
    `SELECT p.id FROM payments p JOIN performance_seats s ON s.id = p.performance_seat_id
     WHERE NOT s.booked OR s.user_id IS DISTINCT FROM p.user_id`,
  );
  await rows(
    'payment whose book info has no book_success_at',
    `SELECT p.id FROM payments p
     JOIN performance_seat_book_info i ON i.performance_seat_id = p.performance_seat_id
     WHERE i.book_success_at IS NULL`,
  );
  await rows(
    'payment without exactly one matching PAYMENT ledger row',
    `SELECT p.id FROM payments p
     LEFT JOIN balance_ledger l ON l.payment_id = p.id AND l.kind = 'PAYMENT'
     GROUP BY p.id, p.amount
     HAVING count(l.id) <> 1 OR coalesce(sum(l.amount), 0) <> -p.amount`,
  );
  await rows(
    'payment whose token is not EXPIRED',
    `SELECT p.id, t.status FROM payments p
     LEFT JOIN user_queue_tokens t ON t.token = p.token
     WHERE t.status IS DISTINCT FROM 'EXPIRED'`,
  );
  if (options.onePaymentPerUser) {
    await rows(
      'user charged more than once',
      `SELECT user_id, count(*)::int AS n FROM payments GROUP BY user_id HAVING count(*) > 1`,
    );
  }

  // 2. At most one live hold per user (one per seat holds by construction: one row per seat)
  //    and at most one live token per user.
  await rows(
    'user with more than one live hold',
    `SELECT user_id, count(*)::int AS n FROM performance_seat_book_info
     WHERE token IS NOT NULL AND book_success_at IS NULL AND expires_at > $1
     GROUP BY user_id HAVING count(*) > 1`,
    [now],
  );
  await rows(
    'seat with more than one book-info row',
    `SELECT performance_seat_id FROM performance_seat_book_info
     GROUP BY performance_seat_id HAVING count(*) > 1`,
  );
  await rows(
    'user with more than one live token',
    `SELECT user_id FROM user_queue_tokens WHERE status IN ('IN_QUEUE', 'IN_PROGRESS')
     GROUP BY user_id HAVING count(*) > 1`,
  );

  // 3. Balances never negative and equal to their ledger.
  await rows(
    'balance differs from its ledger sum (or is negative)',
    `SELECT u.id, u.balance, coalesce(l.total, 0) AS ledger
     FROM users u
     LEFT JOIN (SELECT user_id, sum(amount) AS total FROM balance_ledger GROUP BY user_id) l
       ON l.user_id = u.id
     WHERE u.balance <> coalesce(l.total, 0) OR u.balance < 0`,
  );

  const {
    rows: [figures],
  } = await pool.query(
    `SELECT
       (SELECT count(*)::int FROM performance_seats WHERE booked) AS seats_sold,
       (SELECT count(*)::int FROM payments) AS payments,
       (SELECT count(*)::int FROM performance_seat_book_info
        WHERE token IS NOT NULL AND book_success_at IS NULL AND expires_at > $1) AS live_holds,
       (SELECT count(*)::int FROM user_queue_tokens
        WHERE status = 'IN_PROGRESS' AND expires_at > $1) AS active_tokens`,
    [now],
  );
  if (figures.seats_sold !== figures.payments) {
    violations.push(`seats sold (${figures.seats_sold}) != payments (${figures.payments})`);
  }
  // 4. Active tokens never above the cap.
  if (options.maxActive !== undefined && figures.active_tokens > options.maxActive) {
    violations.push(`active tokens ${figures.active_tokens} > cap ${options.maxActive}`);
  }
  return {
    violations,
    seatsSold: figures.seats_sold,
    payments: figures.payments,
    liveHolds: figures.live_holds,
    activeTokens: figures.active_tokens,
  };
}

/** Samples the number of live IN_PROGRESS tokens every `everyMs` and keeps the maximum. */
export function sampleActiveTokens(pool: Pool, everyMs = 100) {
  let max = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const {
          rows: [{ n }],
        } = await pool.query(
          `SELECT count(*)::int AS n FROM user_queue_tokens
           WHERE status = 'IN_PROGRESS' AND expires_at > $1`,
          [new Date()],
        );
        max = Math.max(max, n);
        samples += 1;
      } catch {
        // The database may be down on purpose (fault tests): skip the sample.
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop(): Promise<{ max: number; samples: number }> {
      running = false;
      await loop;
      return { max, samples };
    },
  };
}
