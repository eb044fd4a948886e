import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/database/src/data-source-options';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';

/**
 * The app's pool keeps the connections it has opened: a connection closed when idle would come
 * back as a cold backend, which reads the catalogue and prepares the booking's and the
 * checkout's statements again, on the first requests after a lull (the bench measured the
 * booking's database work at twice its warm cost on such backends).
 */
describe('database pool (PostgreSQL)', () => {
  let url: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase();
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestDatabase(url);
  });

  it('keeps every connection it opened through a lull far longer than the idle timeout', async () => {
    const options = dataSourceOptions(url, 3);
    // An idle timeout of 50 ms: without a floor on the pool, each connection would close in it.
    dataSource = new DataSource({
      ...options,
      extra: { ...(options.extra as object), idleTimeoutMillis: 50 },
    } as typeof options);
    await dataSource.initialize();
    const backends = async () => {
      const rows = await Promise.all(
        [1, 2, 3].map(() =>
          dataSource.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.1)'),
        ),
      );
      return rows.map(([row]) => row.pid).sort();
    };
    const first = await backends();
    expect(new Set(first).size).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const [{ open }] = await dataSource.query<{ open: number }[]>(
      `SELECT count(*)::int AS open FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'concert-ticketing'`,
    );
    expect(open).toBe(3);
    expect(await backends()).toEqual(first);
  });
});
