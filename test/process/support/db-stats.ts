import { Pool } from 'pg';

/**
 * What the database did, from its own counters: statements (pg_stat_statements, when the
 * server has it loaded), transactions (pg_stat_database) and row updates on
 * user_queue_tokens (pg_stat_user_tables). Read twice around a window; the difference is the
 * window's work. The readers' own queries (on pg_stat_*) are left out of the statements.
 */

export interface DbCounters {
  at: number;
  /** Sum of pg_stat_statements.calls (null: pg_stat_statements not available). */
  statements: number | null;
  /** xact_commit + xact_rollback of this database. */
  transactions: number;
  /** n_tup_upd of user_queue_tokens (HOT updates included). */
  tokenUpdates: number;
  /** n_tup_hot_upd of user_queue_tokens (the part of tokenUpdates that was HOT). */
  tokenHotUpdates: number;
}

export interface DbDelta {
  seconds: number;
  statements: number | null;
  transactions: number;
  tokenUpdates: number;
  tokenHotUpdates: number;
}

/**
 * Makes pg_stat_statements usable if it can: CREATE EXTENSION works only when the server was
 * started with shared_preload_libraries=pg_stat_statements. Answers why not otherwise.
 */
export async function enableStatementStats(
  pool: Pool,
): Promise<{ available: boolean; reason?: string }> {
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await pool.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return { available: true };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}

export async function readCounters(pool: Pool, statements: boolean): Promise<DbCounters> {
  // Other backends publish table and transaction counts at most once a second: wait for it.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const {
      rows: [row],
    } = await client.query<{
      transactions: string;
      token_updates: string;
      token_hot_updates: string;
    }>(
      `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database
               WHERE datname = current_database()) AS transactions,
              coalesce((SELECT n_tup_upd FROM pg_stat_user_tables
                        WHERE relname = 'user_queue_tokens'), 0) AS token_updates,
              coalesce((SELECT n_tup_hot_upd FROM pg_stat_user_tables
                        WHERE relname = 'user_queue_tokens'), 0) AS token_hot_updates`,
    );
    let calls: number | null = null;
    if (statements) {
      const {
        rows: [sum],
      } = await client.query<{ calls: string }>(
        `SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND query NOT ILIKE '%pg_stat%'`,
      );
      calls = Number(sum.calls);
    }
    return {
      at: Date.now(),
      statements: calls,
      transactions: Number(row.transactions),
      tokenUpdates: Number(row.token_updates),
      tokenHotUpdates: Number(row.token_hot_updates),
    };
  } finally {
    client.release();
  }
}

export function delta(before: DbCounters, after: DbCounters): DbDelta {
  return {
    seconds: (after.at - before.at) / 1000,
    statements:
      before.statements === null || after.statements === null
        ? null
        : after.statements - before.statements,
    transactions: after.transactions - before.transactions,
    tokenUpdates: after.tokenUpdates - before.tokenUpdates,
    tokenHotUpdates: after.tokenHotUpdates - before.tokenHotUpdates,
  };
}

/** Calls of each statement (pg_stat_statements, by query text), the readers' own left out. */
export async function statementCalls(pool: Pool): Promise<Map<string, number> | null> {
  try {
    const { rows } = await pool.query<{ query: string; calls: string }>(
      `SELECT query, sum(calls) AS calls FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT ILIKE '%pg_stat%'
       GROUP BY query`,
    );
    return new Map(rows.map((row) => [row.query, Number(row.calls)]));
  } catch {
    return null;
  }
}

/** The statements called most between two readings, with their calls (text cut to 120). */
export function topStatementDeltas(
  before: Map<string, number> | null,
  after: Map<string, number> | null,
  count: number,
): { query: string; calls: number }[] {
  if (!before || !after) return [];
  return [...after]
    .map(([query, calls]) => ({
      query: query.replace(/\s+/g, ' ').slice(0, 120),
      calls: calls - (before.get(query) ?? 0),
    }))
    .filter((entry) => entry.calls > 0)
    .sort((a, b) => b.calls - a.calls)
    .slice(0, count);
}

/** Calls and rows of each statement (pg_stat_statements, by query text); null without it. */
export async function statementWork(
  pool: Pool,
): Promise<Map<string, { calls: number; rows: number }> | null> {
  try {
    const { rows } = await pool.query<{ query: string; calls: string; rows: string }>(
      `SELECT query, sum(calls) AS calls, sum(rows) AS rows FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT ILIKE '%pg_stat%'
       GROUP BY query`,
    );
    return new Map(
      rows.map((row) => [row.query, { calls: Number(row.calls), rows: Number(row.rows) }]),
    );
  } catch {
    return null;
  }
}

/**
 * The statements that write user_queue_tokens between two readings (UPDATE or INSERT), with
 * their calls and rows, most rows first (text cut to 160).
 */
export function tokenWriteDeltas(
  before: Map<string, { calls: number; rows: number }> | null,
  after: Map<string, { calls: number; rows: number }> | null,
): { query: string; calls: number; rows: number }[] {
  if (!before || !after) return [];
  return [...after]
    .filter(([query]) => /\b(UPDATE|INSERT INTO)\s+user_queue_tokens\b/i.test(query))
    .map(([query, work]) => ({
      query: query.replace(/\s+/g, ' ').slice(0, 160),
      calls: work.calls - (before.get(query)?.calls ?? 0),
      rows: work.rows - (before.get(query)?.rows ?? 0),
    }))
    .filter((entry) => entry.calls > 0)
    .sort((a, b) => b.rows - a.rows);
}
