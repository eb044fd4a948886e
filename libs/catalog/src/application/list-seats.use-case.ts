import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import { Seat } from '../domain/catalog';
import { PerformanceNotFoundError } from '../domain/catalog-errors';
import { seatStatus } from '@app/booking/domain';
import { PerformanceRepository } from './port/out/performance.repository';

/** The seat map of one performance, each seat with its status right now. */
@Injectable()
export class ListSeatsUseCase {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly clock: Clock,
  ) {}

  async execute(performanceId: number): Promise<Seat[]> {
    if (!(await this.performances.exists(performanceId))) throw new PerformanceNotFoundError();
    const now = this.clock.now();
    const records = await this.performances.listSeats(performanceId);
    return records.map((record) => ({
      id: record.id,
      performanceId: record.performanceId,
      seatNumber: record.seatNumber,
      price: record.price,
      booked: record.booked,
      status: seatStatus(record, now),
    }));
  }
}
