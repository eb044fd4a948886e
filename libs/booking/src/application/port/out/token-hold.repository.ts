/** A token's hold, as booking's tables remember it. */
export interface HoldOfToken {
  /** The seat's book-info row id. */
  id: number;
  performanceSeatId: number;
  bookAttemptAt: Date | null;
  bookSuccessAt: Date | null;
  /** Null when only the booking log remembers the hold (the release job cleared the row). */
  expiresAt: Date | null;
}

export abstract class TokenHoldRepository {
  /** The token's current hold, or else its last one from the log; the latest first. */
  abstract latestOf(token: string): Promise<HoldOfToken | null>;
  /** latestOf for many tokens in one read, by token (tokens without a hold are absent). */
  abstract latestOfMany(tokens: readonly string[]): Promise<Map<string, HoldOfToken>>;
}
