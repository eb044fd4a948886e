import { Injectable } from '@nestjs/common';
import { TokenHoldLookup } from '@app/queue';
import { HoldOfToken } from '../../../application/port/out/token-hold.repository';
import { TokenHolds } from '../../../application/token-holds.service';

/** Answers the queue's question (its TokenHoldLookup port) from booking's own tables. */
@Injectable()
export class QueueTokenHoldLookupAdapter extends TokenHoldLookup {
  constructor(private readonly holds: TokenHolds) {
    super();
  }

  findSeatHold(token: string): Promise<HoldOfToken | null> {
    return this.holds.latestOf(token);
  }

  findSeatHolds(tokens: readonly string[]): Promise<Map<string, HoldOfToken>> {
    return this.holds.latestOfMany(tokens);
  }
}
