import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../support/app-process';

export interface PostgresProcess {
  url: string;
  /** Stops PostgreSQL (a fast shutdown: it cuts open connections) and its child process. */
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL of its own on `dataDir`/`port` (initialised when new, reused when
 * the directory already holds a cluster), run from a child process. See the child's comment.
 */
export async function startPostgresProcess(options: {
  dataDir: string;
  port: number;
  database: string;
  settings?: Record<string, string | number>;
}): Promise<PostgresProcess> {
  const child = fork(path.join(__dirname, 'embedded-postgres.child.ts'), [], {
    cwd: REPO_ROOT,
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const { url } = await ask<{ url: string }>(child, { start: options });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || !child.connected) return;
      await ask(child, { stop: true });
      child.disconnect();
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
      );
    },
  };
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the PostgreSQL child exited (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (answer: T & { error?: string }) => {
      child.off('exit', onExit);
      if (answer.error) reject(new Error(answer.error));
      else resolve(answer);
    });
    child.send(message as object);
  });
}
