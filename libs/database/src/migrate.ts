import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { ADVISORY_LOCKS } from './advisory-locks';

/**
 * Applies pending migrations under a session advisory lock held on a connection of its own,
 * so that several instances starting at once on one database take turns instead of racing.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 2), logging: false });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
