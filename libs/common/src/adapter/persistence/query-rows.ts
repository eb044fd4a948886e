import { EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows. TypeORM's postgres driver answers UPDATE and DELETE with
 * `[rows, affectedCount]` and everything else with the rows; rows are objects, never arrays,
 * so the two shapes cannot be confused.
 */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const result: unknown = await manager.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/** The part of a pg client, or of a pg pool, that runs a named statement. */
interface NamedStatementClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs SQL as a named prepared statement of the connection it gets (the ambient transaction's,
 * or one from the pool for this call): PostgreSQL parses it once per connection, and after a
 * few runs plans it once too, instead of parsing and planning it on every call. For the hot,
 * complex statements only (a join of the waiting line), where that work is most of what the
 * database spends on them. `name` must be unique per SQL text. Outside a transaction it goes
 * to TypeORM's pg pool itself, which takes a connection for the one statement and gives it
 * back, without a TypeORM query runner around it.
 */
export async function queryPrepared<T>(
  manager: EntityManager,
  name: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const config = { name, text: sql, values: parameters };
  if (manager.queryRunner === undefined) {
    const pool = (manager.connection.driver as unknown as { master?: NamedStatementClient }).master;
    if (pool) return (await pool.query(config)).rows as T[];
  }
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  const own = manager.queryRunner === undefined;
  try {
    const client = (await runner.connect()) as NamedStatementClient;
    return (await client.query(config)).rows as T[];
  } finally {
    if (own) await runner.release();
  }
}
