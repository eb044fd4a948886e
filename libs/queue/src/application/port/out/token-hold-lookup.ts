import { TokenSeatHold } from './queue-token.repository';

/**
 * A token's current or last seat hold, asked of the booking context (which owns the seat
 * tables). Implemented there and provided to the queue by booking's lookup module.
 */
export abstract class TokenHoldLookup {
  abstract findSeatHold(token: string): Promise<TokenSeatHold | null>;
  /** Each token's latest hold, in one read (tokens without one are absent). */
  abstract findSeatHolds(tokens: readonly string[]): Promise<Map<string, TokenSeatHold>>;
}
