import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const DIST_MAIN = path.join(REPO_ROOT, 'dist/apps/api/apps/api/src/main.js');
export const PROCESS_ADMIN_KEY = 'process-test-admin-key';
/**
 * The Node flags of the app's own start command (package.json's start scripts, the
 * Dockerfile's CMD; node-flags.spec.ts keeps them the same), so that the tests and the
 * benchmark run the app as it is deployed. Why this flag: README, "Memory".
 */
export const APP_NODE_FLAGS = ['--max-old-space-size=1024'];

export interface StartAppOptions {
  /** Unset: no DATABASE_URL at all, so the app starts its embedded PostgreSQL. */
  databaseUrl?: string;
  /** Extra environment variables (queue caps, TTLs...). */
  env?: Record<string, string>;
  port?: number;
  /**
   * `source` runs apps/api/src/main.ts through ts-node (no build needed: what `npm test` uses);
   * `dist` runs the build (what the benchmark measures).
   */
  mode?: 'source' | 'dist';
  readyTimeoutMs?: number;
  /** Label for the output kept for diagnostics. */
  name?: string;
  /** Another server to run instead of the app (node arguments), e.g. the bench's reference. */
  args?: string[];
  /** false: return at once (a start that is expected to fail). Default: wait for /health 200. */
  waitForReady?: boolean;
}

export interface AppProcess {
  name: string;
  url: string;
  port: number;
  pid: number;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** The first error-level log lines (pino level >= 50, or anything on stderr). */
  errors(): string[];
  /** Resolves with the exit code (or null when killed by a signal) once the process is gone. */
  exited: Promise<number | null>;
  /** SIGTERM (graceful), then SIGKILL if it has not gone within the grace period. */
  stop(graceMs?: number): Promise<void>;
  /** kill -9: no draining, no cleanup. */
  kill9(): Promise<void>;
}

/**
 * A real app process (its own Node, pool and job) on the given database, once /health is 200.
 * Without a `port`, on a free one (another, if that one was taken before the app bound it).
 */
export async function startAppProcess(options: StartAppOptions): Promise<AppProcess> {
  if (options.port === undefined) {
    return onFreePort((port) => launchAppProcess({ ...options, port }));
  }
  return launchAppProcess({ ...options, port: options.port });
}

async function launchAppProcess(options: StartAppOptions & { port: number }): Promise<AppProcess> {
  const port = options.port;
  const mode = options.mode ?? 'source';
  const name = options.name ?? `app:${port}`;
  if (mode === 'dist' && !options.args && !existsSync(DIST_MAIN)) {
    throw new Error(`${DIST_MAIN} is missing: run npm run build first`);
  }
  const args =
    options.args ??
    (mode === 'dist'
      ? [...APP_NODE_FLAGS, DIST_MAIN]
      : [
          ...APP_NODE_FLAGS,
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'apps/api/src/main.ts',
        ]);
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...inherited,
      NODE_ENV: 'production',
      TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      PORT: String(port),
      ADMIN_API_KEY: PROCESS_ADMIN_KEY,
      SEED_DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      SCHEDULER_INTERVAL_MS: '200',
      // Load and concurrency tests send many requests from one address: the rate limit has its
      // own tests.
      RATE_LIMIT_PER_SECOND: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kept: string[] = [];
  const errors: string[] = [];
  const keep = (chunk: Buffer, fromStderr: boolean) => {
    const text = chunk.toString();
    kept.push(text);
    if (kept.length > 200) kept.splice(0, kept.length - 200);
    for (const line of text.split('\n')) {
      const isError = fromStderr ? line.trim() !== '' : /"level":(50|60)/.test(line);
      if (isError && errors.length < 50) errors.push(line);
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => keep(chunk, false));
  child.stderr?.on('data', (chunk: Buffer) => keep(chunk, true));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  const url = `http://127.0.0.1:${port}`;
  const output = () => kept.join('').slice(-8000);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (; options.waitForReady !== false;) {
    if (gone) throw new Error(`${name} exited before it was ready:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready in time:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }

  return {
    name,
    url,
    port,
    pid: child.pid as number,
    output,
    errors: () => [...errors],
    exited,
    stop: (graceMs = 10_000) => stopChild(child, exited, () => gone, graceMs),
    kill9: async () => {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  isGone: () => boolean,
  graceMs: number,
): Promise<void> {
  if (isGone()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * A port that nothing listened on a moment ago. Only a probe: the port is free again when it
 * answers, and another process may bind it first. Start servers with `onFreePort`, which
 * tries another port when that happened, or listen on port 0 and read the bound port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Whether a start failed because its port was taken: Node's EADDRINUSE, PostgreSQL's and
 * nginx's "Address already in use", naming this port (a clash on another port, e.g. the
 * embedded PostgreSQL's inside an app process, is for the caller that chose that port).
 */
export function isPortClash(error: unknown, port: number): boolean {
  const text =
    error instanceof Error
      ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`
      : String(error);
  return /EADDRINUSE|address already in use/i.test(text) && text.includes(String(port));
}

/**
 * Runs `start` on a free port, and again on another one when another process took the port
 * between the probe and the start's own bind.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= attempts || !isPortClash(error, port)) throw error;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
