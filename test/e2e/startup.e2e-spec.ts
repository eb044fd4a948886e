import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onFreePort, sleep, startAppProcess } from '../support/app-process';

const DEMO_USER = '11111111-1111-4111-8111-111111111111';

/**
 * The zero-set-up promise, on the real entry point: with no DATABASE_URL the app starts its
 * embedded PostgreSQL (as root too: the cluster then runs as the postgres user), migrates,
 * seeds demo data once, keeps it across restarts, and stops the database when it stops.
 */
describe('startup with the embedded PostgreSQL (real process)', () => {
  const dirs: string[] = [];

  /** A new, empty data directory: every test starts from its own state. */
  function newDataDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'ticketing-start-'));
    chmodSync(dir, 0o755);
    dirs.push(dir);
    return path.join(dir, 'pg');
  }

  /**
   * The app on `dataDir`, with no DATABASE_URL: it starts its embedded PostgreSQL, on a free
   * port (another, if that one was taken before PostgreSQL bound it).
   */
  const start = (dataDir: string, extra: Record<string, string> = {}, waitForReady = true) =>
    onFreePort((postgresPort) =>
      startAppProcess({
        env: {
          EMBEDDED_POSTGRES_DIR: dataDir,
          EMBEDDED_POSTGRES_PORT: String(postgresPort),
          SEED_DEMO_DATA: '',
          LOG_LEVEL: 'warn',
          ...extra,
        },
        waitForReady,
        name: 'embedded',
      }),
    );

  const charge = (url: string, amount: number) =>
    fetch(`${url}/users/${DEMO_USER}/charge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount }),
    });

  /** The postmaster's pid while one runs on the directory, else null. */
  function runningPostgres(dataDir: string): number | null {
    const pidFile = path.join(dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return null;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  afterAll(async () => {
    // A failed test may leave a PostgreSQL behind (a kill -9 does by design): stop it, then
    // remove the directories.
    for (const dir of dirs) {
      const pid = runningPostgres(path.join(dir, 'pg'));
      if (pid !== null) {
        process.kill(pid, 'SIGINT');
        for (let waited = 0; waited < 100 && runningPostgres(path.join(dir, 'pg')); waited += 1) {
          await sleep(100);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves /health and /docs, seeds demo users once, keeps the data across a restart, and stops PostgreSQL on SIGTERM', async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    try {
      expect(first.output()).toContain('Seeded demo concerts');
      expect(first.output()).toContain(DEMO_USER);
      expect((await fetch(`${first.url}/health`)).status).toBe(200);
      expect((await fetch(`${first.url}/docs`)).status).toBe(200);
      expect(await (await charge(first.url, 10)).json()).toEqual({ result: true, balance: 510 });
    } finally {
      await first.stop();
    }
    expect(await first.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await start(dataDir);
    try {
      expect(second.output()).not.toContain('Seeded demo concerts');
      const user = await (await fetch(`${second.url}/users/${DEMO_USER}`)).json();
      expect(user.balance).toBe(510);
    } finally {
      await second.stop();
    }
    expect(await second.exited).toBe(0);
  });

  it('recovers the data directory after a kill -9 left PostgreSQL running', async () => {
    const dataDir = newDataDir();
    const killed = await start(dataDir);
    try {
      expect((await charge(killed.url, 10)).status).toBe(200);
    } finally {
      await killed.kill9();
    }
    await killed.exited;
    // kill -9 gives the app no chance to stop its PostgreSQL: it is still running.
    expect(runningPostgres(dataDir)).not.toBeNull();

    const app = await start(dataDir);
    try {
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      const user = await (await fetch(`${app.url}/users/${DEMO_USER}`)).json();
      expect(user.balance).toBe(510);
    } finally {
      await app.stop();
    }
    expect(await app.exited).toBe(0);
    expect(runningPostgres(dataDir)).toBeNull();
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    const app = await start(newDataDir(), { QUEUE_MAX_ACTIVE_TOKENS: 'lots' }, false);
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/Invalid configuration:[\s\S]*QUEUE_MAX_ACTIVE_TOKENS="lots"/);
  });

  it('refuses to start on a public key that is not a PEM, saying so', async () => {
    const app = await start(newDataDir(), { AUTH_JWT_PUBLIC_KEY: 'not a key' }, false);
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(
      /Invalid configuration:[\s\S]*AUTH_JWT_PUBLIC_KEY is not a PEM public key/,
    );
  });
});
