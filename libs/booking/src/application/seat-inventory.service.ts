import { Injectable } from '@nestjs/common';
import { Money } from '@app/common/domain/money';
import {
  SeatInventoryRepository,
  SeatRecord,
  SeatSoldTo,
} from './port/out/seat-inventory.repository';

/**
 * What booking offers the catalog: a performance's seats, created, listed and counted on the
 * seat tables booking owns. Each call joins the caller's transaction, if any.
 */
@Injectable()
export class SeatInventory {
  constructor(private readonly seats: SeatInventoryRepository) {}

  /** Seats 1..count at `price`, with their empty book-info rows; their ids by seat number. */
  createSeats(performanceId: number, count: number, price: Money): Promise<number[]> {
    return this.seats.create(performanceId, count, price);
  }

  listSeats(performanceId: number): Promise<SeatRecord[]> {
    return this.seats.list(performanceId);
  }

  /** The seats the user has paid for, by sale time then seat id. */
  seatsSoldTo(userId: string): Promise<SeatSoldTo[]> {
    return this.seats.soldTo(userId);
  }

  /** Seats neither sold nor under a live hold at `now`, per performance. */
  countAvailable(performanceIds: number[], now: Date): Promise<Map<number, number>> {
    return performanceIds.length === 0
      ? Promise.resolve(new Map())
      : this.seats.countAvailable(performanceIds, now);
  }
}
