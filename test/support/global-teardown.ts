import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const server = process.env.TEST_PG_SERVER_URL;
  const template = process.env.TEST_PG_TEMPLATE;
  if (server && template && !globalThis.__TEST_POSTGRES__) {
    const client = new Client({ connectionString: server });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template}`).finally(() => client.end());
  }
  await globalThis.__TEST_POSTGRES__?.stop();
}
