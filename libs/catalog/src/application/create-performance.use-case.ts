import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Performance } from '../domain/catalog';
import { ConcertNotFoundError } from '../domain/catalog-errors';
import { assertValidNewPerformance, NewPerformance } from '../domain/new-performance';
import { PerformanceRepository } from './port/out/performance.repository';

/** Admin: a new date of a concert with all its seats, created together or not at all. */
@Injectable()
export class CreatePerformanceUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly performances: PerformanceRepository,
  ) {}

  async execute(concertId: number, input: NewPerformance): Promise<Performance> {
    assertValidNewPerformance(input);
    const created = await this.transactions.run(() =>
      this.performances.createWithSeats(concertId, input),
    );
    if (!created) throw new ConcertNotFoundError();
    return created;
  }
}
