import { Performance } from '../../../domain/catalog';
import { NewPerformance } from '../../../domain/new-performance';
import { SeatFacts } from '@app/booking/domain';
import { Money } from '@app/common/domain/money';

/** A seat as stored, before its status is derived. */
export interface SeatRecord extends SeatFacts {
  id: number;
  performanceId: number;
  seatNumber: number;
  price: Money;
}

export abstract class PerformanceRepository {
  /**
   * The concert's performances after `now` with at least one available seat (unpaid and
   * with no live hold at `now`), by date.
   */
  abstract listBookable(concertId: number, now: Date): Promise<Performance[]>;

  abstract exists(performanceId: number): Promise<boolean>;

  /** The performance's seats by seat number. */
  abstract listSeats(performanceId: number): Promise<SeatRecord[]>;

  /**
   * The performance, its seats 1..maxSeats at its price and one empty book-info row per
   * seat; null (and nothing written) when the concert does not exist.
   */
  abstract createWithSeats(concertId: number, input: NewPerformance): Promise<Performance | null>;
}
