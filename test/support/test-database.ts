import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Set by the global setup: a server URL (its database is only used to run CREATE DATABASE). */
export function serverUrl(): string {
  const url = process.env.TEST_PG_SERVER_URL;
  if (!url) throw new Error('TEST_PG_SERVER_URL is not set: run the tests through jest');
  return url;
}

export function templateName(): string {
  return process.env.TEST_PG_TEMPLATE ?? 'ticketing_template';
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs a statement on the server as the test run's superuser (ALTER DATABASE and the like). */
export async function asAdmin(sql: string): Promise<void> {
  await admin((client) => client.query(sql));
}

/** A fresh database with the schema, cloned from the migrated template: one per test file. */
export async function createTestDatabase(): Promise<string> {
  const name = `ticketing_test_${randomBytes(6).toString('hex')}`;
  await admin(async (client) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`);
        return;
      } catch (error) {
        // Another worker cloning the template at the same instant: try again shortly.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
      }
    }
  });
  return withDatabase(serverUrl(), name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
