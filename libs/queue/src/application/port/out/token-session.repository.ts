/** What other contexts may do to a token's session inside their transaction (user_queue_tokens). */
export abstract class TokenSessionRepository {
  /**
   * Whether the token is still active at `now`, read under a share lock on its row that
   * lasts until the transaction ends.
   */
  abstract lockIfActive(token: string, now: Date): Promise<boolean>;
  /** IN_PROGRESS → EXPIRED at `at` if the token is still active then; false otherwise. */
  abstract expireAfterPayment(tokenId: number, at: Date): Promise<boolean>;
}
