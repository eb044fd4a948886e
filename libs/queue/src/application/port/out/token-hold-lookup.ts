import { TokenSeatHold } from './queue-token.repository';

/**
 * A token's current or last seat hold, asked of the booking context (which owns the seat
 * tables). Implemented there and provided to the queue by booking's lookup module.
 */
export abstract class TokenHoldLookup {
  abstract findSeatHold(token: string): Promise<TokenSeatHold | null>;
}
