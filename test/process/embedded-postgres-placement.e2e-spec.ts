import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  postgresNativeDir,
  startEmbeddedPostgres,
} from '../../libs/database/src/embedded/embedded-postgres';
import { onFreePort } from '../support/app-process';

const isRoot = userInfo().uid === 0;

/** Mode and owner of a directory and of every directory above it. */
function ancestry(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(current)) {
      const stat = statSync(current);
      found.set(current, `${(stat.mode & 0o7777).toString(8)} ${stat.uid}:${stat.gid}`);
    }
    if (path.dirname(current) === current) return found;
  }
}

function snapshot(dirs: string[]): Record<string, string> {
  const all: Record<string, string> = {};
  for (const dir of dirs) for (const [key, value] of ancestry(dir)) all[key] = value;
  return all;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Run as root, PostgreSQL runs as the postgres user, which must traverse every directory
 * above its data and binaries. No existing directory's mode may change for it (the old code
 * added o+x to every parent, /root included): when it cannot reach them, the cluster and a
 * copy of the binaries move to a directory the code creates.
 */
describe('embedded PostgreSQL: no permission changed outside what it creates', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  (isRoot ? it : it.skip)(
    'moves the cluster and the binaries out of a 0700 home, and keeps the data across restarts',
    async () => {
      // A home like /root (0700), holding a project whose binaries and data are out of reach.
      const home = mkdtempSync(path.join(tmpdir(), 'ticketing-home-'));
      made.push(home);
      chmodSync(home, 0o700);
      const project = path.join(home, 'project');
      mkdirSync(project, { mode: 0o755 });
      const nativeDir = path.join(project, 'native');
      symlinkSync(postgresNativeDir(), nativeDir);
      const requested = path.join(project, '.data', 'postgres');
      // Where the code may create its own directory (stands for /var/lib).
      const varLib = mkdtempSync(path.join(tmpdir(), 'ticketing-varlib-'));
      made.push(varLib);
      chmodSync(varLib, 0o755);
      const base = path.join(varLib, 'concert-ticketing');

      const watched = [home, project, postgresNativeDir(), varLib];
      const before = snapshot(watched);
      const options = {
        dataDir: requested,
        nativeDir,
        relocationBases: [base],
        database: 'placement',
      };
      const first = await onFreePort((port) => startEmbeddedPostgres({ ...options, port }));
      try {
        expect(first.dataDir.startsWith(`${base}/`)).toBe(true);
        expect(first.dataDir).toMatch(/\/[0-9a-f]{16}\/postgres$/);
        expect(
          existsSync(
            path.join(
              base,
              path.basename(path.dirname(first.dataDir)),
              'native',
              'bin',
              'postgres',
            ),
          ),
        ).toBe(true);
        await query(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      } finally {
        await first.stop();
      }
      // Nothing above or around changed its mode or owner; the home is still 0700.
      expect(snapshot(watched)).toEqual(before);
      expect(statSync(home).mode & 0o777).toBe(0o700);
      expect(existsSync(path.join(project, '.data'))).toBe(false);
      // Only what the code created got a mode: the base and the cluster's home, 0755.
      expect(statSync(base).mode & 0o777).toBe(0o755);

      const second = await onFreePort((port) => startEmbeddedPostgres({ ...options, port }));
      try {
        expect(second.dataDir).toBe(first.dataDir);
        expect(await query(second.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
      } finally {
        await second.stop();
      }
      expect(snapshot(watched)).toEqual(before);
    },
  );

  it('runs in place when the postgres user can reach the directory, changing no mode', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'ticketing-inplace-'));
    made.push(parent);
    chmodSync(parent, 0o755);
    const requested = path.join(parent, 'data', 'postgres');
    const before = snapshot([parent, postgresNativeDir()]);
    const running = await onFreePort((port) =>
      startEmbeddedPostgres({
        dataDir: requested,
        port,
        database: 'in_place',
        relocationBases: [path.join(parent, 'never-used')],
      }),
    );
    try {
      expect(running.dataDir).toBe(requested);
      expect(await query(running.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await running.stop();
    }
    expect(snapshot([parent, postgresNativeDir()])).toEqual(before);
    expect(existsSync(path.join(parent, 'never-used'))).toBe(false);
    expect(statSync(path.join(parent, 'data')).mode & 0o777).toBe(0o755);
  });
});
