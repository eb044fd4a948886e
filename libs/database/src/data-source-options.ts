import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: ['error'],
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      // A statement stuck behind a lock for this long is a bug; fail it rather than hang.
      statement_timeout: 30_000,
      application_name: 'concert-ticketing',
    },
  };
}
