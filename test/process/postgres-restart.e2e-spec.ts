import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { runMigrations } from '../../libs/database/src/migrate';
import { AppProcess, onFreePort, sleep, startAppProcess } from '../support/app-process';
import { request } from './support/http-client';
import { checkInvariants } from './support/invariants';
import { Sample, startLoad, summarise } from './support/load-loop';
import { PostgresProcess, startPostgresProcess } from './support/postgres-process';
import { insertBuyers } from './support/sql-fixtures';

/**
 * Fault: PostgreSQL stopped and started again under load. The app keeps running: while the
 * database is down it answers 503 (`/health` included), never a 500 and never a dropped
 * connection; once the database is back it recovers by itself, without a restart.
 *
 * This file starts its own PostgreSQL in a temporary directory so that stopping it disturbs
 * no other test file.
 */
describe('PostgreSQL stopped and restarted under load (real app process)', () => {
  let dir: string;
  let port: number;
  let postgres: PostgresProcess | undefined;
  let pool: Pool;
  let app: AppProcess;

  const startPostgres = async () =>
    startPostgresProcess({
      dataDir: path.join(dir, 'data'),
      port,
      database: 'fault_test',
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ticketing-fault-pg-'));
    chmodSync(dir, 0o755);
    // The restart below reuses the port the first start bound.
    postgres = await onFreePort((free) => {
      port = free;
      return startPostgres();
    });
    await runMigrations(postgres.url);
    // Few, short-lived connections: this pool must survive the outage too.
    pool = new Pool({ connectionString: postgres.url, max: 2, idleTimeoutMillis: 500 });
    pool.on('error', () => undefined);
    app = await startAppProcess({ databaseUrl: postgres.url, name: 'app' });
  });

  afterAll(async () => {
    await app?.stop();
    await pool?.end().catch(() => undefined);
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while the database is down, then recovers without a restart', async () => {
    const buyers = await insertBuyers(pool, 40, { balance: '100.00', tokenStatus: 'none' });
    const load = startLoad(6, async (worker) => {
      const buyer = buyers[Math.floor(Math.random() * buyers.length)];
      switch (worker % 3) {
        case 0:
          return {
            step: 'POST /users/:id/charge',
            result: await request(app.url, 'POST', `/users/${buyer.userId}/charge`, {
              body: { amount: 1 },
            }),
          };
        case 1:
          return {
            step: 'GET /users/:id',
            result: await request(app.url, 'GET', `/users/${buyer.userId}`),
          };
        default:
          return {
            step: 'POST /user_queue_tokens',
            result: await request(app.url, 'POST', '/user_queue_tokens', {
              body: { user_id: buyer.userId },
            }),
          };
      }
    });

    await sleep(1500);
    const stoppedAt = Date.now();
    await postgres!.stop();
    postgres = undefined;

    // Down: /health says so, and the load keeps getting answers (503s).
    const healthDown = await waitFor(app, 503, 10_000);
    await sleep(1500);
    const healthStillDown = await request(app.url, 'GET', '/health');

    postgres = await startPostgres();
    const healthUp = await waitFor(app, 200, 20_000);
    const recoveredAt = Date.now();
    await sleep(2000);
    const samples = await load.stop();

    const context = () =>
      JSON.stringify({ summary: summarise(samples), errors: app.errors() }, null, 1);
    expect(healthDown).toBe(503);
    expect(healthStillDown.status).toBe(503);
    expect(healthStillDown.body).toMatchObject({ status: 'error' });
    expect(healthUp).toBe(200);

    // The process never died: every request got an HTTP answer.
    const unanswered = samples.filter((sample) => sample.status === 0);
    if (unanswered.length > 0) {
      throw new Error(`${unanswered.length} requests got no HTTP answer: ${context()}`);
    }
    // Never a 5xx other than 503; a 503 only for a request that overlapped the outage.
    const overlapsOutage = (sample: Sample) =>
      sample.doneAt >= stoppedAt && sample.sentAt < recoveredAt;
    const bad = samples.filter(
      (sample) => sample.status >= 500 && !(sample.status === 503 && overlapsOutage(sample)),
    );
    if (bad.length > 0) {
      const shown = bad.slice(0, 5).map(({ step, status, body }) => ({ step, status, body }));
      throw new Error(`unexpected 5xx: ${JSON.stringify(shown)}\n${context()}`);
    }
    const during = samples.filter((sample) => sample.status === 503);
    expect(during.length).toBeGreaterThan(0);
    expect(during[0].body).toEqual({ message: 'Service temporarily unavailable' });

    // After recovery: real work again, on the same process (never restarted).
    expect(() => process.kill(app.pid, 0)).not.toThrow();
    const after = samples.filter((sample) => sample.sentAt >= recoveredAt);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((sample) => sample.status < 500)).toBe(true);
    expect(after.filter((sample) => sample.status === 200).length).toBeGreaterThan(0);
    const before = samples.filter((sample) => sample.doneAt < stoppedAt);
    expect(before.filter((sample) => sample.status === 200).length).toBeGreaterThan(0);

    // Nothing half-written by the requests the outage cut: every balance equals its ledger.
    const report = await checkInvariants(pool);
    expect(report.violations).toEqual([]);
  });
});

async function waitFor(app: AppProcess, status: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await request(app.url, 'GET', '/health', { timeoutMs: 3000 })).status;
    if (last === status) return last;
    await sleep(200);
  }
  return last;
}
