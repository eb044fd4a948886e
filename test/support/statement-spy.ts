import { Client } from 'pg';

/** The statements the app sends through pg while a spy is on, and the names of the prepared ones. */
export interface StatementSpy {
  /** Each statement's text, in the order sent (TypeORM's queries and the prepared ones alike). */
  readonly texts: string[];
  /** The name of each named prepared statement sent. */
  readonly names: string[];
  /** Forgets what was recorded so far. */
  clear(): void;
  /** Ends the spy: pg's client works as before. */
  restore(): void;
}

/**
 * Records every statement sent through a pg client (every query the app sends goes through
 * one), until `restore`. A test's own queries through the same library are recorded too: turn
 * the spy on around the requests under test only.
 */
export function spyOnStatements(): StatementSpy {
  const texts: string[] = [];
  const names: string[] = [];
  const original = Client.prototype.query;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
    this: Client,
    ...args: unknown[]
  ) {
    const config = args[0] as string | { text: string; name?: string };
    if (typeof config === 'string') texts.push(config);
    else {
      texts.push(config.text);
      if (config.name) names.push(config.name);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query);
  return {
    texts,
    names,
    clear: () => {
      texts.length = 0;
      names.length = 0;
    },
    restore: () => spy.mockRestore(),
  };
}

/** The statements sent while `work` ran (its own result is checked by `work` itself). */
export async function statementsSentDuring(work: () => Promise<unknown>): Promise<string[]> {
  const spy = spyOnStatements();
  try {
    await work();
  } finally {
    spy.restore();
  }
  return [...spy.texts];
}
