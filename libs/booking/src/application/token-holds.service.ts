import { Injectable } from '@nestjs/common';
import { HoldOfToken, TokenHoldRepository } from './port/out/token-hold.repository';

/** What booking tells the queue about a token's hold (for token_info). */
@Injectable()
export class TokenHolds {
  constructor(private readonly holds: TokenHoldRepository) {}

  latestOf(token: string): Promise<HoldOfToken | null> {
    return this.holds.latestOf(token);
  }

  latestOfMany(tokens: readonly string[]): Promise<Map<string, HoldOfToken>> {
    return tokens.length === 0 ? Promise.resolve(new Map()) : this.holds.latestOfMany(tokens);
  }
}
