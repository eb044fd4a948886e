import { rmSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const server = process.env.TEST_PG_SERVER_URL;
  const template = process.env.TEST_PG_TEMPLATE;
  if (server && template && !globalThis.__TEST_POSTGRES__) {
    const client = new Client({ connectionString: server });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template}`).finally(() => client.end());
  }
  const postgres = globalThis.__TEST_POSTGRES__;
  const dir = globalThis.__TEST_POSTGRES_DIR__;
  await postgres?.stop();
  // The cluster's data (about 70 MB a run), and its relocated home if it could not run in place.
  if (dir) rmSync(dir, { recursive: true, force: true });
  const home = postgres && path.dirname(postgres.dataDir);
  if (
    dir &&
    home &&
    !home.startsWith(dir) &&
    path.basename(path.dirname(home)) === 'concert-ticketing'
  ) {
    rmSync(home, { recursive: true, force: true });
  }
}
