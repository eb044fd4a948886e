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
      // A fixed-size pool: a connection, once opened, stays open through a lull. One closed
      // when idle (pg's default, after 10 s) comes back as a cold backend that reads the
      // catalogue and prepares the booking's and the checkout's statements again, on the first
      // requests of the next rush: the bench measured a booking's database work at twice its
      // cost on a warm backend.
      min: poolSize,
      connectionTimeoutMillis: 5000,
      // A statement stuck behind a lock for this long is a bug; fail it rather than hang.
      statement_timeout: 30_000,
      application_name: 'concert-ticketing',
    },
  };
}
