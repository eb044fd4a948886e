/** A seat sold to a user, as booking (which owns the seat tables) records it. */
export interface SoldSeat {
  id: number;
  seatNumber: number;
  bookSuccessAt: Date;
  performanceId: number;
}

/**
 * The seats a user has paid for, asked of booking. Implemented there and provided by
 * booking's lookup module: the user context imports no context (the others depend on it).
 */
export abstract class SoldSeatLookup {
  /** By sale time, then seat id. */
  abstract soldTo(userId: string): Promise<SoldSeat[]>;
}
