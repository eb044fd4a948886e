import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { AppProcess, sleep, startAppProcess } from '../support/app-process';

/**
 * SIGTERM to the real process (apps/api/src/main.ts): it drains the requests in flight,
 * stops the jobs, closes the pool and exits 0, with nothing logged as an error.
 */
describe('operations: SIGTERM on a real app process', () => {
  let databaseUrl: string;
  let observer: Client;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    observer = new Client({ connectionString: databaseUrl });
    await observer.connect();
  });
  afterAll(async () => {
    await app?.kill9();
    await observer?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const appConnections = async (): Promise<number> => {
    const { rows } = await observer.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'concert-ticketing'`,
    );
    return rows[0].n;
  };

  it('answers the requests in flight, then exits 0 with its pool closed', async () => {
    app = await startAppProcess({
      databaseUrl,
      name: 'sigterm',
      env: { SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_MS: '100', DATABASE_POOL_SIZE: '10' },
    });
    // Every charge blocks on this row lock, so they are all in flight when SIGTERM comes.
    const { rows: inserted } = await observer.query(
      'INSERT INTO users (balance) VALUES (0) RETURNING id',
    );
    const userId: string = inserted[0].id;
    const locker = new Client({ connectionString: databaseUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);

    const CHARGES = 6;
    const charges = Array.from({ length: CHARGES }, () =>
      fetch(`${app!.url}/users/${userId}/charge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 2 }),
      }).then((response) => response.status),
    );
    for (let waited = 0; ; waited += 50) {
      const { rows } = await observer.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0].n === CHARGES) break;
      if (waited > 15_000) throw new Error(`charges not in flight:\n${app.output()}`);
      await sleep(50);
    }
    expect(await appConnections()).toBeGreaterThanOrEqual(CHARGES);

    const stopping = app.stop(30_000);
    await sleep(500);
    // Draining: the process waits for the charges.
    expect(
      await Promise.race([app.exited.then(() => 'exited'), sleep(0).then(() => 'alive')]),
    ).toBe('alive');
    await locker.query('COMMIT');
    await locker.end();

    expect(await Promise.all(charges)).toEqual(Array(CHARGES).fill(200));
    await stopping;
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('SIGTERM: draining requests');
    expect(app.output()).toContain('Stopped.');
    expect(app.errors()).toEqual([]);
    expect(await appConnections()).toBe(0);

    const { rows } = await observer.query(
      `SELECT balance::text AS balance,
              (SELECT count(*)::int FROM balance_ledger WHERE user_id = $1) AS entries
         FROM users WHERE id = $1`,
      [userId],
    );
    expect(rows[0]).toEqual({ balance: (CHARGES * 2).toFixed(2), entries: CHARGES });
  });
});
