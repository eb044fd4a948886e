export type SeatStatus = 'AVAILABLE' | 'HELD' | 'BOOKED';

/** What the tables say about one seat: its sale flag and its book-info row. */
export interface SeatFacts {
  booked: boolean;
  holdToken: string | null;
  holdExpiresAt: Date | null;
  bookSuccessAt: Date | null;
}

/**
 * BOOKED once paid; HELD while someone's hold is live (unpaid, expiry ahead); AVAILABLE
 * otherwise, including a lapsed hold the release job has not cleared yet.
 */
export function seatStatus(facts: SeatFacts, now: Date): SeatStatus {
  if (facts.booked || facts.bookSuccessAt !== null) return 'BOOKED';
  if (
    facts.holdToken !== null &&
    facts.holdExpiresAt !== null &&
    facts.holdExpiresAt.getTime() > now.getTime()
  ) {
    return 'HELD';
  }
  return 'AVAILABLE';
}
