import { Money } from '@app/common/domain/money';
import { SeatFacts } from '../../../domain/seat-status';

/** A seat as stored, before its status is derived. */
export interface SeatRecord extends SeatFacts {
  id: number;
  performanceId: number;
  seatNumber: number;
  price: Money;
}

/** A seat sold to a user. */
export interface SeatSoldTo {
  id: number;
  seatNumber: number;
  bookSuccessAt: Date;
  performanceId: number;
}

/** The seats of performances (performance_seats and their book-info rows), which booking owns. */
export abstract class SeatInventoryRepository {
  /** Seats 1..count at `price`, each with an empty book-info row, in one statement. */
  abstract create(performanceId: number, count: number, price: Money): Promise<number[]>;
  /** The performance's seats by seat number. */
  abstract list(performanceId: number): Promise<SeatRecord[]>;
  /** Available seats at `now` per performance (performances without seats are left out). */
  abstract countAvailable(performanceIds: number[], now: Date): Promise<Map<number, number>>;
  /** The seats sold to the user, by sale time then seat id. */
  abstract soldTo(userId: string): Promise<SeatSoldTo[]>;
}
