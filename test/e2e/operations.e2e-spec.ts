import { SchedulerRegistry } from '@nestjs/schedule';
import { PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { AppConfig } from '@app/common/config/app-config';
import { GetTokenInfoUseCase } from '@app/queue/application/get-token-info.use-case';
import { GetUserProfileUseCase } from '@app/user/application/get-user-profile.use-case';
import { loggerParams } from '../../apps/api/src/logging/logger-params';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { dropTestDatabase } from '../support/test-database';
import { insertUser, newTokenValue } from '../support/fixtures';

/** Every JSON line the app's logger writes, read back in the test. */
class CapturedLog {
  lines: Record<string, any>[] = [];
  raw = '';

  write(chunk: string): void {
    this.raw += chunk;
    for (const line of chunk.split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
  }

  since(index: number): Record<string, any>[] {
    return this.lines.slice(index);
  }
}

const requestIdOf = (line: Record<string, any>): unknown => line.reqId ?? line.req?.id;

describe('operations: JSON logs with a request id', () => {
  let t: TestApp;
  const log = new CapturedLog();

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOG_LEVEL: 'info' },
      configure: (builder) =>
        builder
          .overrideProvider(PARAMS_PROVIDER_TOKEN)
          .useFactory({
            factory: (config: AppConfig) => loggerParams(config, log),
            inject: [AppConfig],
          })
          // An unexpected failure deep in a use case: the 500 path of the exception filter.
          .overrideProvider(GetUserProfileUseCase)
          .useValue({
            execute: () => {
              throw new Error('boom in /srv/app/dist/secret-module.js');
            },
          }),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes no "request completed" line for /health and /metrics probes, one for others', async () => {
    const start = log.lines.length;
    await call(t.app, 'GET', '/health');
    await call(t.app, 'GET', '/metrics');
    await call(t.app, 'GET', '/metrics?name[]=x');
    await call(t.app, 'GET', '/concerts-that-do-not-exist');
    const completed = log.since(start).filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => line.req?.url)).toEqual(['/concerts-that-do-not-exist']);
  });

  it('counts successful token_info polls without a log line, and still logs refused ones', async () => {
    const userId = await insertUser(t.db);
    const joined = await call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
    const start = log.lines.length;
    for (let i = 0; i < 3; i += 1) {
      const poll = await call(t.app, 'GET', '/user_queue_tokens/token_info', {
        token: joined.body.token,
      });
      expect(poll.status).toBe(200);
    }
    const refused = await call(t.app, 'GET', '/user_queue_tokens/token_info', {
      token: newTokenValue(),
    });
    expect(refused.status).toBe(401);
    const completed = log.since(start).filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => [line.req?.url, line.res?.statusCode])).toEqual([
      ['/user_queue_tokens/token_info', 401],
    ]);
    const metrics = (await call(t.app, 'GET', '/metrics')).body as string;
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",route="\/user_queue_tokens\/token_info",status="200"\} 3/,
    );
  });

  it('answers x-request-id: a new id, or the caller’s own when it is a plain id', async () => {
    const fresh = await call(t.app, 'GET', '/concerts-that-do-not-exist');
    expect(fresh.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const other = await call(t.app, 'GET', '/concerts-that-do-not-exist');
    expect(other.headers['x-request-id']).not.toBe(fresh.headers['x-request-id']);

    const given = await call(t.app, 'GET', '/health', { headers: { 'x-request-id': 'lb-42.abc' } });
    expect(given.headers['x-request-id']).toBe('lb-42.abc');

    const hostile = await call(t.app, 'GET', '/health', {
      headers: { 'x-request-id': 'a b"}\\{"level":60' },
    });
    expect(hostile.headers['x-request-id']).not.toContain(' ');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the request id on every line logged during a request, the 500 line included', async () => {
    const from = log.lines.length;
    const response = await call(t.app, 'GET', '/users/11111111-1111-4111-8111-111111111111', {
      headers: { 'x-request-id': 'req-500-check' },
    });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ message: 'Internal server error' });
    expect(JSON.stringify(response.body)).not.toMatch(/boom|secret-module|at /);

    const lines = log.since(from);
    const error = lines.find((line) => String(line.msg).includes('boom'));
    expect(error).toBeDefined();
    expect(error!.level).toBe(50);
    expect(error!.reqId).toBe('req-500-check');
    const completed = lines.find((line) => line.msg === 'request errored' || line.res);
    expect(completed).toBeDefined();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(requestIdOf(line)).toBe('req-500-check');
  });

  it('puts the request id on a poll’s 500 line too, though polls skip the request logger', async () => {
    const userId = await insertUser(t.db);
    const joined = await call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
    const failing = jest
      .spyOn(t.app.get(GetTokenInfoUseCase), 'execute')
      .mockRejectedValueOnce(new Error('boom in the poll'));
    const from = log.lines.length;
    try {
      const response = await call(t.app, 'GET', '/user_queue_tokens/token_info', {
        token: joined.body.token,
        headers: { 'x-request-id': 'poll-500-check' },
      });
      expect(response.status).toBe(500);
    } finally {
      failing.mockRestore();
    }
    const lines = log.since(from);
    const error = lines.find((line) => String(line.msg).includes('boom in the poll'));
    expect(error).toMatchObject({ level: 50, reqId: 'poll-500-check' });
    const completed = lines.filter((line) => line.msg === 'request errored');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ reqId: 'poll-500-check', res: { statusCode: 500 } });
    for (const line of lines) expect(requestIdOf(line)).toBe('poll-500-check');
  });

  it('keeps each request’s id on its own lines when many requests run at once', async () => {
    const from = log.lines.length;
    const ids = Array.from({ length: 30 }, (_, index) => `concurrent-${index}`);
    const responses = await Promise.all(
      ids.map((id, index) =>
        index % 2 === 0
          ? call(t.app, 'GET', '/users/11111111-1111-4111-8111-111111111111', {
              headers: { 'x-request-id': id },
            })
          : call(t.app, 'POST', '/admin/users', { headers: { 'x-request-id': id }, body: {} }),
      ),
    );
    responses.forEach((response, index) =>
      expect(response.headers['x-request-id']).toBe(ids[index]),
    );
    const lines = log.since(from);
    for (const id of ids) {
      const own = lines.filter((line) => requestIdOf(line) === id);
      expect(own.length).toBeGreaterThanOrEqual(1);
    }
    for (const line of lines) expect(ids).toContain(requestIdOf(line));
    // The 500s: their error line and their completion line share the same id.
    for (const id of ids.filter((_, index) => index % 2 === 0)) {
      const own = lines.filter((line) => requestIdOf(line) === id);
      expect(own.some((line) => line.level === 50 && String(line.msg).includes('boom'))).toBe(true);
    }
  });

  it('never writes the queue token or the admin key to the log', async () => {
    const token = newTokenValue();
    const from = log.raw.length;
    await call(t.app, 'GET', '/user_queue_tokens/token_info', { token });
    await call(t.app, 'POST', '/admin/users', {
      headers: { 'x-admin-key': ADMIN_KEY, authorization: 'Bearer very-secret' },
      body: { balance: 1 },
    });
    await call(t.app, 'POST', '/admin/users', { headers: { 'x-admin-key': 'wrong-guess-123' } });
    const written = log.raw.slice(from);
    expect(written).toContain('/user_queue_tokens/token_info');
    expect(written).toContain('[Redacted]');
    expect(written).not.toContain(token);
    expect(written).not.toContain(ADMIN_KEY);
    expect(written).not.toContain('wrong-guess-123');
    expect(written).not.toContain('very-secret');
  });
});

describe('operations: graceful shutdown', () => {
  it('finishes requests in flight, stops the jobs, then closes the database', async () => {
    const t = await createTestApp({
      env: { SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_MS: '50' },
    });
    const scheduler = t.app.get(SchedulerRegistry);
    expect(scheduler.getIntervals().length).toBeGreaterThanOrEqual(1);

    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const userId = await insertUser(t.db, '0.00');

    // A transaction outside the app locks the user row: every charge blocks in the database,
    // in flight, until the lock is released. (Fewer charges than the pool's 20 connections, so
    // that the jobs' last ticks can finish meanwhile.)
    const CHARGES = 12;
    const locker = new Client({ connectionString: t.databaseUrl });
    const observer = new Client({ connectionString: t.databaseUrl });
    await locker.connect();
    await observer.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);

      const charges = Array.from({ length: CHARGES }, () =>
        fetch(`${base}/users/${userId}/charge`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ amount: 1.5 }),
        }).then(async (response) => ({ status: response.status, body: await response.json() })),
      );
      await waitFor(async () => {
        const { rows } = await observer.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows[0].waiting === CHARGES;
      });

      let closed = false;
      const closing = t.app.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Still draining: the server waits for the charges, the database stays open.
      expect(closed).toBe(false);
      expect(t.db.isInitialized).toBe(true);
      expect(scheduler.getIntervals()).toEqual([]);

      await locker.query('COMMIT');
      const released = Date.now();
      const results = await Promise.all(charges);
      await closing;
      // Not held open by the clients' keep-alive connections (72 s by default).
      expect(Date.now() - released).toBeLessThan(10_000);

      expect(results.map((result) => result.status)).toEqual(Array(CHARGES).fill(200));
      expect(Math.max(...results.map((result) => result.body.balance))).toBe(CHARGES * 1.5);
      expect(t.db.isInitialized).toBe(false);
      await expect(fetch(`${base}/health`)).rejects.toThrow();
    } finally {
      await locker.end();
      await observer.end();
    }

    // Every charge that was answered 200 is in the database, once.
    const check = new Client({ connectionString: t.databaseUrl });
    await check.connect();
    try {
      const { rows } = await check.query(
        `SELECT (SELECT balance::text FROM users WHERE id = $1) AS balance,
                (SELECT count(*)::int FROM balance_ledger WHERE user_id = $1) AS entries`,
        [userId],
      );
      expect(rows[0]).toEqual({ balance: (CHARGES * 1.5).toFixed(2), entries: CHARGES });
    } finally {
      await check.end();
    }
    await dropTestDatabase(t.databaseUrl);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
