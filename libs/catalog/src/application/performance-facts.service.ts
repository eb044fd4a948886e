import { Injectable } from '@nestjs/common';
import {
  PerformanceFactsRepository,
  PerformanceWithConcert,
} from './port/out/performance-facts.repository';

/** What the catalog tells others about its performances (e.g. a user's paid seats). */
@Injectable()
export class PerformanceFacts {
  constructor(private readonly performances: PerformanceFactsRepository) {}

  describe(ids: number[]): Promise<PerformanceWithConcert[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.performances.describe(ids);
  }
}
