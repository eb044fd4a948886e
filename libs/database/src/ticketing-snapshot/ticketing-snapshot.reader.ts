/** The business gauges every instance reports, read from the database. */
export interface TicketingSnapshot {
  queueWaiting: number;
  queueActive: number;
  seatHoldsLive: number;
  payments: number;
}

/** The port the metrics read the business gauges through: one bounded read per call. */
export abstract class TicketingSnapshotReader {
  abstract read(): Promise<TicketingSnapshot>;
}
