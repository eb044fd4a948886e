import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import { Performance } from '../domain/catalog';
import { ConcertNotFoundError } from '../domain/catalog-errors';
import { ConcertRepository } from './port/out/concert.repository';
import { PerformanceRepository } from './port/out/performance.repository';

/** A concert's dates a buyer can still book: in the future, with a seat left. */
@Injectable()
export class ListBookablePerformancesUseCase {
  constructor(
    private readonly concerts: ConcertRepository,
    private readonly performances: PerformanceRepository,
    private readonly clock: Clock,
  ) {}

  async execute(concertId: number): Promise<Performance[]> {
    if (!(await this.concerts.exists(concertId))) throw new ConcertNotFoundError();
    return this.performances.listBookable(concertId, this.clock.now());
  }
}
