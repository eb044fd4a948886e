/**
 * What other contexts may do to a token's session inside their transaction (user_queue_tokens).
 * Their hot paths embed the queue's SQL instead (token-session.sql.ts, exported by the queue):
 * booking's hold re-checks the token in its own statement, payment's checkout locks and
 * expires it in its own.
 */
export abstract class TokenSessionRepository {
  /**
   * Whether the token is still active at `now`, read under a share lock on its row that
   * lasts until the transaction ends.
   */
  abstract lockIfActive(token: string, now: Date): Promise<boolean>;
}
