/**
 * The two ways a one-statement write refuses, for its adapter to tell apart from a fault: a
 * unique index it ran into (another request committed first), and a check the statement
 * makes of its own outcome, which fails it so that it rolls back whole.
 */

/** The unique constraint a write ran into (SQLSTATE 23505), or undefined for any other error. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' ? constraint : undefined;
}

/**
 * SQL that fails the statement it is part of when `condition` holds: an integer cast of
 * `message` (a text expression), which PostgreSQL refuses (SQLSTATE 22P02) with the message
 * in its error; NULL otherwise. The statement's writes then roll back with it.
 */
export function failStatementWhenSql(condition: string, message: string): string {
  return `(CASE WHEN ${condition} THEN ${message} END)::int`;
}

/** Whether `error` is a statement's failStatementWhenSql whose message contains `marker`. */
export function isStatementFailure(error: unknown, marker: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === '22P02' && typeof message === 'string' && message.includes(marker);
}
