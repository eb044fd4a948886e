/**
 * The "active token" rule, once, in TypeScript and in SQL side by side. A token is active
 * while it is IN_PROGRESS and inside its TTL, whether or not the admission job has expired it
 * yet; an IN_PROGRESS token past its TTL is overdue (the job, or the next join of its user,
 * marks it EXPIRED). The guard, token_info, admission, the booking's and the payment's checks
 * under lock and the metrics all ask here.
 */
export function isActive(token: { status: string; expiresAt: Date | null }, now: Date): boolean {
  return (
    token.status === 'IN_PROGRESS' &&
    token.expiresAt !== null &&
    token.expiresAt.getTime() > now.getTime()
  );
}

const column = (tokens: string, name: string) => (tokens === '' ? name : `${tokens}.${name}`);

/**
 * isActive in SQL: `tokens` is the alias of a user_queue_tokens row ('' for its bare
 * columns), `now` the SQL of the current time (a parameter such as `$2`). Its shape matches
 * the partial index user_queue_tokens_active.
 */
export function activeTokenSql(tokens: string, now: string): string {
  return `(${column(tokens, 'status')} = 'IN_PROGRESS' AND ${column(tokens, 'expires_at')} > ${now})`;
}

/** An IN_PROGRESS token past its TTL, not yet marked EXPIRED (same arguments). */
export function overdueTokenSql(tokens: string, now: string): string {
  return `(${column(tokens, 'status')} = 'IN_PROGRESS' AND ${column(tokens, 'expires_at')} <= ${now})`;
}
