import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { asAdmin } from '../support/test-database';
import {
  insertActiveToken,
  insertConcert,
  insertPerformance,
  insertQueuedToken,
  insertUser,
  newTokenValue,
  setSeatOwner,
} from '../support/fixtures';

/** The value of one sample of the Prometheus text, or undefined when it is absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      found[pair[1]] = pair[2];
    }
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(found).length && wanted.every(([k, v]) => found[k] === v)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

/** The database gauges are read at most once per SCHEDULER_INTERVAL_MS (50 ms here). */
const GAUGE_INTERVAL_MS = 50;

/** A scrape that sees the database as it is now: it waits out the gauges' interval first. */
async function scrape(t: TestApp): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, GAUGE_INTERVAL_MS + 10));
  const response = await call(t.app, 'GET', '/metrics');
  expect(response.status).toBe(200);
  expect(typeof response.body).toBe('string');
  return response.body as string;
}

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { SCHEDULER_INTERVAL_MS: String(GAUGE_INTERVAL_MS) } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the Prometheus text format with the HTTP, business and process metrics', async () => {
    const response = await call(t.app, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.body as string;
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds',
      'ticketing_queue_waiting',
      'ticketing_queue_active',
      'ticketing_seat_holds_live',
      'ticketing_payments_total',
      'ticketing_database_up',
      'ticketing_process_cpu_user_seconds_total',
      'ticketing_nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts requests by route template and status, never by raw URL', async () => {
    const unknownUser = '0b8e7c1e-9a55-4a57-8f0e-7a3f0a8b9c11';
    expect((await call(t.app, 'GET', `/users/${unknownUser}`)).status).toBe(404);
    expect((await call(t.app, 'GET', `/users/${unknownUser}`)).status).toBe(404);
    expect((await call(t.app, 'GET', '/users/not-a-uuid')).status).toBe(400);
    const text = await scrape(t);
    const route = { method: 'GET', route: '/users/:user_id' };
    expect(sample(text, 'http_requests_total', { ...route, status: '404' })).toBe(2);
    expect(sample(text, 'http_requests_total', { ...route, status: '400' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { ...route, status: '404' })).toBe(
      2,
    );
    expect(
      sample(text, 'http_request_duration_seconds_bucket', { ...route, status: '404', le: '+Inf' }),
    ).toBe(2);
    expect(text).not.toContain(unknownUser);
    expect(text).not.toContain('not-a-uuid');
  });

  it('counts guard refusals, body-parser refusals and unknown paths too', async () => {
    expect((await call(t.app, 'POST', '/admin/users', { body: {} })).status).toBe(401);
    const malformed = await call(t.app, 'POST', '/admin/users', {
      headers: { 'x-admin-key': ADMIN_KEY },
      payload: '{"balance": ',
    });
    expect(malformed.status).toBe(400);
    expect((await call(t.app, 'GET', '/no/such/path/12345')).status).toBe(404);
    expect((await call(t.app, 'GET', '/another/unknown/path')).status).toBe(404);

    const text = await scrape(t);
    const admin = { method: 'POST', route: '/admin/users' };
    expect(sample(text, 'http_requests_total', { ...admin, status: '401' })).toBe(1);
    expect(sample(text, 'http_requests_total', { ...admin, status: '400' })).toBe(1);
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(2);
    expect(text).not.toContain('/no/such/path');
  });

  it('counts every one of many concurrent requests exactly once', async () => {
    const before = sample(await scrape(t), 'http_requests_total', {
      method: 'POST',
      route: '/users/:user_id/charge',
      status: '404',
    });
    const unknown = '7d2c7a56-45c9-4a5f-9a36-000000000001';
    const responses = await Promise.all(
      Array.from({ length: 60 }, () =>
        call(t.app, 'POST', `/users/${unknown}/charge`, { body: { amount: 1 } }),
      ),
    );
    expect(responses.every((response) => response.status === 404)).toBe(true);
    const after = sample(await scrape(t), 'http_requests_total', {
      method: 'POST',
      route: '/users/:user_id/charge',
      status: '404',
    });
    expect(after).toBe((before ?? 0) + 60);
  });

  it('reads queue, hold and payment gauges from the database, at the clock of the app', async () => {
    const now = t.clock.now();
    const empty = await scrape(t);
    expect(sample(empty, 'ticketing_queue_waiting')).toBe(0);
    expect(sample(empty, 'ticketing_queue_active')).toBe(0);
    expect(sample(empty, 'ticketing_seat_holds_live')).toBe(0);
    expect(sample(empty, 'ticketing_payments_total')).toBe(0);
    expect(sample(empty, 'ticketing_database_up')).toBe(1);

    const users = await Promise.all(Array.from({ length: 8 }, () => insertUser(t.db, '500.00')));
    await insertQueuedToken(t.db, users[0], now);
    await insertQueuedToken(t.db, users[1], now);
    await insertQueuedToken(t.db, users[2], now);
    const shortToken = await insertActiveToken(t.db, users[3], now, 60);
    await insertActiveToken(t.db, users[4], now, 600);
    // Admitted long ago and past its TTL, not yet marked EXPIRED by the job: not active.
    await insertActiveToken(t.db, users[5], new Date(now.getTime() - 3600_000), 60);

    const concertId = await insertConcert(t.db);
    const { seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(now.getTime() + 86_400_000),
      seats: 4,
    });
    const hold = async (seatId: number, userId: string, token: string, ttlSeconds: number) =>
      t.db.query(
        `UPDATE performance_seat_book_info
            SET token = $2, user_id = $3, book_attempt_at = $4, expires_at = $5
          WHERE performance_seat_id = $1`,
        [seatId, token, userId, now, new Date(now.getTime() + ttlSeconds * 1000)],
      );
    await hold(seatIds[0], users[3], shortToken, 30);
    await hold(seatIds[1], users[4], newTokenValue(), 300);
    await hold(seatIds[2], users[6], newTokenValue(), -10); // lapsed: not live
    // A sold seat: paid, so its hold is no longer live.
    const paidToken = newTokenValue();
    await hold(seatIds[3], users[7], paidToken, 300);
    await t.db.query(
      `UPDATE performance_seat_book_info SET book_success_at = $2 WHERE performance_seat_id = $1`,
      [seatIds[3], now],
    );
    await setSeatOwner(t.db, seatIds[3], users[7]);
    await t.db.query(
      `INSERT INTO payments (user_id, performance_seat_id, token, amount, paid_at)
       VALUES ($1, $2, $3, '100.00', $4)`,
      [users[7], seatIds[3], paidToken, now],
    );

    const text = await scrape(t);
    expect(sample(text, 'ticketing_queue_waiting')).toBe(3);
    expect(sample(text, 'ticketing_queue_active')).toBe(2);
    expect(sample(text, 'ticketing_seat_holds_live')).toBe(2);
    expect(sample(text, 'ticketing_payments_total')).toBe(1);

    // 45 s later: the 30 s hold has lapsed; 70 s later the 60 s token has too.
    t.clock.advanceSeconds(45);
    const later = await scrape(t);
    expect(sample(later, 'ticketing_seat_holds_live')).toBe(1);
    expect(sample(later, 'ticketing_queue_active')).toBe(2);
    t.clock.advanceSeconds(25);
    expect(sample(await scrape(t), 'ticketing_queue_active')).toBe(1);
    t.clock.set(now);
  });

  it('keeps one registry per app instance: a second instance counts only its own requests', async () => {
    const second = await createTestApp({ databaseUrl: t.databaseUrl });
    try {
      await call(second.app, 'GET', '/users/not-a-uuid');
      const text = await scrape(second);
      expect(
        sample(text, 'http_requests_total', {
          method: 'GET',
          route: '/users/:user_id',
          status: '400',
        }),
      ).toBe(1);
      expect(
        sample(text, 'http_requests_total', {
          method: 'GET',
          route: '/users/:user_id',
          status: '404',
        }),
      ).toBeUndefined();
    } finally {
      await second.close();
    }
    // The first instance still answers after the second one is closed.
    expect(sample(await scrape(t), 'ticketing_database_up')).toBe(1);
  });

  it('still answers while the database is down, without the database gauges', async () => {
    const name = new URL(t.databaseUrl).pathname.slice(1);
    await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await asAdmin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
    );
    try {
      const started = Date.now();
      const text = await scrape(t);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(sample(text, 'ticketing_database_up')).toBe(0);
      expect(sample(text, 'ticketing_queue_waiting')).toBeUndefined();
      expect(sample(text, 'ticketing_payments_total')).toBeUndefined();
      expect(text).toContain('http_requests_total');
    } finally {
      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    const recovered = await scrape(t);
    expect(sample(recovered, 'ticketing_database_up')).toBe(1);
    expect(sample(recovered, 'ticketing_payments_total')).toBe(1);
  });

  it('is documented in Swagger under operations with a text/plain example, as is /health', async () => {
    const { body: document } = await call(t.app, 'GET', '/docs-json');
    const metrics = document.paths['/metrics'].get;
    expect(metrics.tags).toEqual(['operations']);
    expect(metrics.responses['200'].content['text/plain'].example).toContain(
      'http_requests_total{',
    );
    const health = document.paths['/health'].get;
    expect(health.tags).toEqual(['operations']);
    expect(Object.keys(health.responses).sort()).toEqual(['200', '503']);
  });
});
