/** Where and when a performance is, as the catalog (which owns it) describes it. */
export interface PerformanceFacts {
  id: number;
  performanceDatetime: Date;
  concert: { id: number; name: string };
}

/** Performances asked of the catalog; implemented there and provided by its lookup module. */
export abstract class PerformanceLookup {
  abstract describe(performanceIds: number[]): Promise<PerformanceFacts[]>;
}
