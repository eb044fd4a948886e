import { Injectable } from '@nestjs/common';
import { PerformanceLookup } from '@app/user';
import { PerformanceWithConcert } from '../../../application/port/out/performance-facts.repository';
import { PerformanceFacts } from '../../../application/performance-facts.service';

/** Answers the user context's question (its PerformanceLookup port) from the catalog's tables. */
@Injectable()
export class UserPerformanceLookupAdapter extends PerformanceLookup {
  constructor(private readonly performances: PerformanceFacts) {
    super();
  }

  describe(performanceIds: number[]): Promise<PerformanceWithConcert[]> {
    return this.performances.describe(performanceIds);
  }
}
