import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../libs/database/src/embedded/embedded-postgres';
import { runMigrations } from '../../libs/database/src/migrate';
import { onFreePort } from './app-process';
import { browserAvailable, browserRequired, missingBrowserNotice } from './browser';
import { withDatabase } from './test-database';

declare global {
  var __TEST_POSTGRES__: { stop(): Promise<void>; dataDir: string } | undefined;
  /** The temporary directory of the run's embedded cluster, removed by the global teardown. */
  var __TEST_POSTGRES_DIR__: string | undefined;
}

/**
 * One PostgreSQL for the whole run: the embedded one in a temporary directory, or the server
 * TEST_DATABASE_URL names. The schema is migrated once into a template database; every test
 * file then clones its own database from it, so files run in parallel without sharing rows.
 */
export default async function globalSetup(): Promise<void> {
  if (!browserAvailable() && !browserRequired()) console.log(`\n${missingBrowserNotice()}`);
  let server = process.env.TEST_DATABASE_URL;
  if (!server) {
    const dir = mkdtempSync(path.join(tmpdir(), 'ticketing-test-pg-'));
    chmodSync(dir, 0o755);
    globalThis.__TEST_POSTGRES_DIR__ = dir;
    const postgres = await onFreePort((port) =>
      startEmbeddedPostgres({
        dataDir: path.join(dir, 'data'),
        port,
        database: 'ticketing_test',
        // Durability is not under test; speed is welcome.
        settings: {
          fsync: 'off',
          synchronous_commit: 'off',
          full_page_writes: 'off',
          max_connections: 500,
        },
      }),
    );
    globalThis.__TEST_POSTGRES__ = postgres;
    server = postgres.url;
  }
  const template = `ticketing_template_${process.pid}`;
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${template}`);
    await client.query(`CREATE DATABASE ${template}`);
  } finally {
    await client.end();
  }
  await runMigrations(withDatabase(server, template));
  process.env.TEST_PG_SERVER_URL = server;
  process.env.TEST_PG_TEMPLATE = template;
}
