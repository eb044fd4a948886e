import { Pool } from 'pg';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { AppProcess, PROCESS_ADMIN_KEY, sleep, startAppProcess } from '../support/app-process';
import { countStatuses, request } from './support/http-client';
import { checkInvariants, sampleActiveTokens } from './support/invariants';
import { insertBuyers, insertPerformance } from './support/sql-fixtures';

/**
 * Two real app processes (each with its own pool and its own copy of the scheduled job) on
 * one database, raced over real sockets. Whatever the instance a request lands on, the
 * database keeps the contract's invariants.
 */
describe('two app instances on one database (real processes, real HTTP)', () => {
  let databaseUrl: string;
  let pool: Pool;
  let apps: AppProcess[] = [];
  /** Alternates requests between the instances, as a round-robin load balancer would. */
  const instance = (i: number) => apps[i % apps.length].url;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    pool = new Pool({ connectionString: databaseUrl, max: 4 });
    apps = await Promise.all(
      ['a', 'b'].map((name) =>
        startAppProcess({
          databaseUrl,
          name,
          env: { QUEUE_MAX_ACTIVE_TOKENS: '1000', DATABASE_POOL_SIZE: '10' },
        }),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await pool?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  afterEach(() => {
    for (const app of apps)
      expect({ app: app.name, errors: app.errors() }).toEqual({ app: app.name, errors: [] });
  });

  it('admits queued tokens up to the cap with the job running in both instances', async () => {
    // The cap is in the database, so both instances follow it (PATCH lands on one of them).
    const patched = await request(instance(0), 'PATCH', '/admin/queue', {
      headers: { 'x-admin-key': PROCESS_ADMIN_KEY },
      body: { max_active: 25, admit_per_minute: 100_000 },
    });
    expect(patched.status).toBe(200);
    const sampler = sampleActiveTokens(pool, 25);
    await insertBuyers(pool, 150, { tokenStatus: 'IN_QUEUE' });

    // Both jobs tick every 200 ms: the line fills the 25 slots and stops there.
    const deadline = Date.now() + 15_000;
    let active = 0;
    while (Date.now() < deadline) {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM user_queue_tokens WHERE status = 'IN_PROGRESS'`,
      );
      active = rows[0].n;
      if (active >= 25) break;
      await sleep(100);
    }
    await sleep(1000);
    const { max, samples } = await sampler.stop();

    expect(active).toBe(25);
    expect(samples).toBeGreaterThan(10);
    expect(max).toBe(25);
    const {
      rows: [{ queued, in_progress }],
    } = await pool.query(
      `SELECT count(*) FILTER (WHERE status = 'IN_QUEUE')::int AS queued,
              count(*) FILTER (WHERE status = 'IN_PROGRESS')::int AS in_progress
       FROM user_queue_tokens`,
    );
    expect({ queued, in_progress }).toEqual({ queued: 125, in_progress: 25 });
    // FIFO across instances: the 25 admitted are the 25 oldest.
    const {
      rows: [{ out_of_order }],
    } = await pool.query(
      `SELECT count(*)::int AS out_of_order FROM user_queue_tokens a
       WHERE a.status = 'IN_PROGRESS'
         AND EXISTS (SELECT 1 FROM user_queue_tokens q WHERE q.status = 'IN_QUEUE' AND q.id < a.id)`,
    );
    expect(out_of_order).toBe(0);

    // Leave the line empty for the races below (their buyers are inserted already admitted).
    await request(instance(1), 'PATCH', '/admin/queue', {
      headers: { 'x-admin-key': PROCESS_ADMIN_KEY },
      body: { paused: true },
    });
    await pool.query(
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = now()
       WHERE status IN ('IN_QUEUE', 'IN_PROGRESS')`,
    );
  });

  it('token race: one user asking 20 times across both instances gets one live token', async () => {
    const [user] = await insertBuyers(pool, 1, { tokenStatus: 'none' });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(instance(i), 'POST', '/user_queue_tokens', { body: { user_id: user.userId } }),
      ),
    );

    expect(countStatuses(results)).toEqual({ 201: 20 });
    expect(new Set(results.map((result) => result.body.token)).size).toBe(1);
    const { rows } = await pool.query(
      `SELECT token FROM user_queue_tokens
       WHERE user_id = $1 AND status IN ('IN_QUEUE', 'IN_PROGRESS')`,
      [user.userId],
    );
    expect(rows).toEqual([{ token: results[0].body.token }]);
  });

  it('charge race: 40 charges of one user across both instances all land in the ledger', async () => {
    const [user] = await insertBuyers(pool, 1, { tokenStatus: 'none', balance: '0.00' });

    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request(instance(i), 'POST', `/users/${user.userId}/charge`, { body: { amount: 2.5 } }),
      ),
    );

    expect(countStatuses(results)).toEqual({ 200: 40 });
    const balances = results.map((result) => result.body.balance).sort((a, b) => a - b);
    expect(balances[balances.length - 1]).toBe(100);
    expect(new Set(balances).size).toBe(40); // each charge saw the one before it
    const {
      rows: [row],
    } = await pool.query(
      `SELECT u.balance, count(l.id)::int AS charges, sum(l.amount) AS ledger
       FROM users u JOIN balance_ledger l ON l.user_id = u.id
       WHERE u.id = $1 GROUP BY u.balance`,
      [user.userId],
    );
    expect(row).toEqual({ balance: '100.00', charges: 40, ledger: '100.00' });
  });

  it('booking race: 200 buyers on one seat across both instances, exactly one hold', async () => {
    const { seatIds } = await insertPerformance(pool, { seats: 3 });
    const buyers = await insertBuyers(pool, 200);
    const seatId = seatIds[1];

    const results = await Promise.all(
      buyers.map((buyer, i) =>
        request(instance(i), 'POST', `/performance_seats/${seatId}/book`, { token: buyer.token }),
      ),
    );

    expect(countStatuses(results)).toEqual({ 201: 1, 409: 199 });
    const losers = results.filter((result) => result.status === 409);
    expect(new Set(losers.map((result) => result.body.message))).toEqual(
      new Set(['Other user is booking the seat']),
    );
    const winner = buyers[results.findIndex((result) => result.status === 201)];
    const { rows: holds } = await pool.query(
      `SELECT token, user_id FROM performance_seat_book_info
       WHERE performance_seat_id = $1 AND token IS NOT NULL AND expires_at > now()`,
      [seatId],
    );
    expect(holds).toEqual([{ token: winner.token, user_id: winner.userId }]);
    const { rows: logs } = await pool.query(
      `SELECT result, count(*)::int AS n FROM performance_seat_book_logs
       WHERE performance_seat_id = $1 GROUP BY result ORDER BY result`,
      [seatId],
    );
    expect(logs).toEqual([
      { result: 'HELD', n: 1 },
      { result: 'SEAT_HELD_BY_OTHER', n: 199 },
    ]);
    expect((await checkInvariants(pool)).violations).toEqual([]);
  });

  it('one buyer booking ten seats at once across both instances gets one hold', async () => {
    const { seatIds } = await insertPerformance(pool, { seats: 10 });
    const [buyer] = await insertBuyers(pool, 1);

    const results = await Promise.all(
      seatIds.map((seatId, i) =>
        request(instance(i), 'POST', `/performance_seats/${seatId}/book`, { token: buyer.token }),
      ),
    );

    expect(countStatuses(results)).toEqual({ 201: 1, 409: 9 });
    for (const result of results.filter((r) => r.status === 409)) {
      expect(result.body).toEqual({ message: 'User already has a reservation' });
    }
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM performance_seat_book_info
       WHERE user_id = $1 AND token IS NOT NULL AND book_success_at IS NULL AND expires_at > now()`,
      [buyer.userId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('payment race: ten pays with one token across both instances charge once', async () => {
    const { seatIds } = await insertPerformance(pool, { seats: 2, price: '120.50' });
    const [buyer] = await insertBuyers(pool, 1, { balance: '1000.00' });
    const seatId = seatIds[0];
    const booked = await request(instance(0), 'POST', `/performance_seats/${seatId}/book`, {
      token: buyer.token,
    });
    expect(booked.status).toBe(201);

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        request(instance(i), 'POST', `/performance_seats/${seatId}/pay`, { token: buyer.token }),
      ),
    );

    // The token is the idempotency key: every retry answers the same 200, one charge.
    expect(countStatuses(results)).toEqual({ 200: 10 });
    const expected = {
      id: seatId,
      seat_number: 1,
      user_id: buyer.userId,
      booked: true,
    };
    for (const result of results) expect(result.body).toMatchObject(expected);
    const { rows: payments } = await pool.query(
      `SELECT user_id, amount FROM payments WHERE performance_seat_id = $1`,
      [seatId],
    );
    expect(payments).toEqual([{ user_id: buyer.userId, amount: '120.50' }]);
    const {
      rows: [user],
    } = await pool.query(
      `SELECT u.balance, (SELECT count(*)::int FROM balance_ledger l
                          WHERE l.user_id = u.id AND l.kind = 'PAYMENT') AS payment_rows,
              (SELECT status FROM user_queue_tokens t WHERE t.token = $2) AS token_status
       FROM users u WHERE u.id = $1`,
      [buyer.userId, buyer.token],
    );
    expect(user).toEqual({ balance: '879.50', payment_rows: 1, token_status: 'EXPIRED' });
    expect((await checkInvariants(pool, { onePaymentPerUser: true })).violations).toEqual([]);
  });
});
