import { Client } from 'pg';
import { TypeOrmTicketingSnapshotReader } from '@app/database/ticketing-snapshot/typeorm-ticketing-snapshot.reader';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertActiveToken, insertConcert, insertUser } from '../support/fixtures';

const POOL_SIZE = 5;
const INTERVAL_MS = 1000;
const PARALLEL_SCRAPES = 100;

/**
 * A scraper in a tight loop must not starve the buyers: 100 parallel scrapes in a loop, while
 * buyers keep browsing. The database is read at most once per interval, whatever the scrape
 * rate; and when the snapshot statement is slow (here another session holds a lock on
 * `payments`, as a large or busy database would make the counts slow), the statements do not
 * stack: one at a time, each cancelled by PostgreSQL's statement timeout, so the pool always
 * has room for the buyers.
 */
describe('GET /metrics under a scraper in a tight loop', () => {
  let t: TestApp;
  let token: string;
  let database: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { DATABASE_POOL_SIZE: String(POOL_SIZE), SCHEDULER_INTERVAL_MS: String(INTERVAL_MS) },
    });
    database = new URL(t.databaseUrl).pathname.slice(1);
    await insertConcert(t.db, 'Loop Concert');
    token = await insertActiveToken(t.db, await insertUser(t.db, '10.00'), t.clock.now(), 3600);
  });
  afterAll(async () => {
    await t.close();
  });

  async function connect(): Promise<Client> {
    const client = new Client({ connectionString: t.databaseUrl });
    await client.connect();
    return client;
  }

  /** Snapshot statements of the app running now: how many, and the oldest one's age. */
  async function snapshotStatements(monitor: Client): Promise<{ count: number; ageMs: number }> {
    const { rows } = await monitor.query(
      `SELECT count(*)::int AS count,
              coalesce(max(extract(epoch FROM clock_timestamp() - query_start) * 1000), 0)::int
                AS age_ms
         FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND state = 'active'
          AND query LIKE '%count(*) FROM payments%'`,
      [database],
    );
    return { count: rows[0].count, ageMs: rows[0].age_ms };
  }

  interface LoopResult {
    scrapes: number;
    scrapeStatuses: number[];
    buyers: { status: number; ms: number }[];
    statements: { count: number; ageMs: number }[];
    maxPoolWaiting: number;
    reads: number;
  }

  /** 100 parallel scrapes in a loop, two buyers browsing, a watcher sampling the database. */
  async function loop(app: TestApp, durationMs: number): Promise<LoopResult> {
    const reads = jest.spyOn(TypeOrmTicketingSnapshotReader.prototype, 'read');
    const pool = (app.db.driver as unknown as { master: { waitingCount: number } }).master;
    const monitor = await connect();
    const deadline = Date.now() + durationMs;
    const result: LoopResult = {
      scrapes: 0,
      scrapeStatuses: [],
      buyers: [],
      statements: [],
      maxPoolWaiting: 0,
      reads: 0,
    };
    const scraper = async () => {
      while (Date.now() < deadline) {
        const responses = await Promise.all(
          Array.from({ length: PARALLEL_SCRAPES }, () =>
            app.app.inject({ method: 'GET', url: '/metrics' }),
          ),
        );
        for (const { statusCode } of responses) {
          if (!result.scrapeStatuses.includes(statusCode)) result.scrapeStatuses.push(statusCode);
        }
        result.scrapes += responses.length;
      }
    };
    const buyer = async () => {
      while (Date.now() < deadline) {
        for (const url of ['/concerts', '/user_queue_tokens/token_info']) {
          const started = Date.now();
          const response = await call(app.app, 'GET', url, { token });
          result.buyers.push({ status: response.status, ms: Date.now() - started });
        }
      }
    };
    const watcher = async () => {
      while (Date.now() < deadline) {
        result.statements.push(await snapshotStatements(monitor));
        result.maxPoolWaiting = Math.max(result.maxPoolWaiting, pool.waitingCount);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await Promise.all([scraper(), buyer(), buyer(), watcher()]);
    } finally {
      result.reads = reads.mock.calls.length;
      reads.mockRestore();
      await monitor.end();
    }
    return result;
  }

  it('reads the database once per interval, however many scrapes', async () => {
    // A long interval, so that the count does not depend on how fast this machine scrapes.
    const slow = await createTestApp({
      databaseUrl: t.databaseUrl,
      env: { DATABASE_POOL_SIZE: String(POOL_SIZE), SCHEDULER_INTERVAL_MS: '60000' },
    });
    try {
      const result = await loop(slow, 4000);
      expect(result.scrapes).toBeGreaterThanOrEqual(2 * PARALLEL_SCRAPES);
      expect(result.scrapeStatuses).toEqual([200]);
      expect(result.buyers.filter((b) => b.status !== 200)).toEqual([]);
      expect(result.reads).toBe(1);
      expect(Math.max(...result.statements.map((s) => s.count))).toBeLessThanOrEqual(1);
    } finally {
      await slow.close();
    }
  });

  it('never stacks snapshot statements on a slow database, and buyers keep their answers', async () => {
    const blocker = await connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE payments IN ACCESS EXCLUSIVE MODE');
    let result: LoopResult;
    try {
      result = await loop(t, 7000);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    expect(result.scrapes).toBeGreaterThanOrEqual(2 * PARALLEL_SCRAPES);
    expect(result.scrapeStatuses).toEqual([200]);
    // Buyers got normal answers all along, and never had to wait for a pool connection.
    expect(result.buyers.length).toBeGreaterThanOrEqual(4);
    expect(result.buyers.filter((b) => b.status !== 200)).toEqual([]);
    expect(result.maxPoolWaiting).toBe(0);
    // The statement was seen, never more than one at a time, and PostgreSQL cancelled each
    // one at its statement timeout (1 s) instead of letting it wait for the lock.
    expect(result.statements.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...result.statements.map((s) => s.count))).toBe(1);
    expect(Math.max(...result.statements.map((s) => s.ageMs))).toBeLessThan(2500);

    // Nothing is left running, and the gauges come back once the lock is gone.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 100));
    const monitor = await connect();
    try {
      expect((await snapshotStatements(monitor)).count).toBe(0);
    } finally {
      await monitor.end();
    }
    const text = (await call(t.app, 'GET', '/metrics')).body as string;
    expect(text).toMatch(/^ticketing_database_up 1$/m);
    expect(text).toMatch(/^ticketing_payments_total 0$/m);
  });
});
