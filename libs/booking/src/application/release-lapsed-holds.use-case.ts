import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import { SeatHoldRepository } from './port/out/seat-hold.repository';

/** Rows cleared per statement: short transactions, short row locks. */
export const RELEASE_BATCH_SIZE = 500;

/**
 * Clears lapsed holds so the table shows only live ones. Correctness never waits for it (a
 * lapsed hold is free at once); it only tidies up. Safe to run on every instance at once.
 */
@Injectable()
export class ReleaseLapsedHoldsUseCase {
  constructor(
    private readonly holds: SeatHoldRepository,
    private readonly clock: Clock,
  ) {}

  async execute(batchSize = RELEASE_BATCH_SIZE): Promise<number> {
    const now = this.clock.now();
    let total = 0;
    for (;;) {
      const released = await this.holds.releaseLapsed(now, batchSize);
      total += released;
      if (released < batchSize) return total;
    }
  }
}
