import { existsSync, mkdtempSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startAppProcess } from '../support/app-process';

const DEMO_USER = '11111111-1111-4111-8111-111111111111';

/**
 * The zero-set-up promise, on the real entry point: with no DATABASE_URL the app starts its
 * embedded PostgreSQL (as root too: the cluster then runs as the postgres user), migrates,
 * seeds demo data once, keeps it across restarts, and stops the database when it stops.
 */
describe('startup with the embedded PostgreSQL (real process)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ticketing-start-'));
  chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'pg');
  let env: Record<string, string>;
  const start = (extra: Record<string, string> = {}, waitForReady = true) =>
    startAppProcess({ env: { ...env, ...extra }, waitForReady, name: 'embedded' });

  beforeAll(async () => {
    // No databaseUrl: the process gets no DATABASE_URL and starts its embedded PostgreSQL.
    env = {
      EMBEDDED_POSTGRES_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      SEED_DEMO_DATA: '',
      LOG_LEVEL: 'warn',
    };
  });

  it('serves /health and /docs, seeds demo users, and stops PostgreSQL on SIGTERM', async () => {
    const app = await start();
    try {
      expect(app.output()).toContain('Seeded demo concerts');
      expect(app.output()).toContain(DEMO_USER);
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      expect((await fetch(`${app.url}/docs`)).status).toBe(200);

      const charged = await fetch(`${app.url}/users/${DEMO_USER}/charge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 10 }),
      });
      expect(await charged.json()).toEqual({ result: true, balance: 510 });
    } finally {
      await app.stop();
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('keeps the data across restarts and does not seed twice', async () => {
    const app = await start();
    try {
      expect(app.output()).not.toContain('Seeded demo concerts');
      const user = await (await fetch(`${app.url}/users/${DEMO_USER}`)).json();
      expect(user.balance).toBe(510);
    } finally {
      await app.kill9();
    }
    await app.exited;
  });

  it('recovers the data directory after a kill -9 left PostgreSQL running', async () => {
    // The previous test killed the app with SIGKILL: its PostgreSQL is still running.
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(() => process.kill(pid, 0)).not.toThrow();

    const app = await start();
    try {
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      const user = await (await fetch(`${app.url}/users/${DEMO_USER}`)).json();
      expect(user.balance).toBe(510);
    } finally {
      await app.stop();
    }
    expect(await app.exited).toBe(0);
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    const app = await start({ QUEUE_MAX_ACTIVE_TOKENS: 'lots' }, false);
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/Invalid configuration:[\s\S]*QUEUE_MAX_ACTIVE_TOKENS="lots"/);
  });

  it('refuses to start on a public key that is not a PEM, saying so', async () => {
    const app = await start({ AUTH_JWT_PUBLIC_KEY: 'not a key' }, false);
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(
      /Invalid configuration:[\s\S]*AUTH_JWT_PUBLIC_KEY is not a PEM public key/,
    );
  });
});
