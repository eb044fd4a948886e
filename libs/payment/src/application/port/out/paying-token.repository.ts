export abstract class PayingTokenRepository {
  /**
   * Ends the queue session of a token that has paid: IN_PROGRESS → EXPIRED, freeing its slot.
   * False when the token was no longer active at `at` (expired meanwhile).
   */
  abstract expireAfterPayment(tokenId: number, at: Date): Promise<boolean>;
}
