import { addSeconds } from '@app/common/domain/clock';
import { HoldFacts, isLiveHold } from './live-hold.rule';
import { SaleFacts } from './sold-seat.rule';

/** A seat held for one queue token until `expiresAt`: the row of performance_seat_book_info. */
export interface SeatHold {
  performanceSeatId: number;
  token: string;
  userId: string;
  bookAttemptAt: Date;
  expiresAt: Date;
}

/**
 * The seat's book-info row as it stands (a hold, live or lapsed, a sale, or nothing), with its
 * seat row's sale flag.
 */
export interface SeatHoldState extends HoldFacts, SaleFacts {
  performanceSeatId: number;
  userId: string | null;
  bookAttemptAt: Date | null;
}

/**
 * When a hold taken at `now` lapses: after `ttlSeconds`, but never past the expiry of the token
 * that took it (a hold cannot outlive the token that must pay for it).
 */
export function holdExpiry(now: Date, ttlSeconds: number, tokenExpiresAt: Date): Date {
  const full = addSeconds(now, ttlSeconds);
  return full.getTime() <= tokenExpiresAt.getTime() ? full : new Date(tokenExpiresAt.getTime());
}

/**
 * holdExpiry in SQL: `now` the SQL of the booking's time, `ttlSeconds` of the hold's TTL (an
 * integer), `tokenExpiresAt` of the token's expiry.
 */
export function holdExpirySql(now: string, ttlSeconds: string, tokenExpiresAt: string): string {
  return `least(${now} + ${ttlSeconds} * interval '1 second', ${tokenExpiresAt})`;
}

/** The live hold in a state, or null when there is none. */
export function liveHoldOf(state: SeatHoldState, now: Date): SeatHold | null {
  if (!isLiveHold(state, now)) return null;
  return {
    performanceSeatId: state.performanceSeatId,
    token: state.token as string,
    userId: state.userId as string,
    bookAttemptAt: state.bookAttemptAt as Date,
    expiresAt: state.expiresAt as Date,
  };
}
