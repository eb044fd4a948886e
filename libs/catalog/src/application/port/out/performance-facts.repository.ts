/** A performance with its concert, for those who show where and when a seat is. */
export interface PerformanceWithConcert {
  id: number;
  performanceDatetime: Date;
  concert: { id: number; name: string };
}

export abstract class PerformanceFactsRepository {
  /** The performances among `ids` that exist, with their concerts (order unspecified). */
  abstract describe(ids: number[]): Promise<PerformanceWithConcert[]>;
}
