import { Money } from '@app/common/domain/money';
import {
  hasPerformanceStarted,
  isLiveHold,
  isSoldSeat,
  liveHoldSql,
  performanceStartedSql,
  SeatForSale,
  soldSeatSql,
} from '@app/booking/domain';

/** A seat as payment sees it once it is locked: booking's seat for sale. */
export type PayableSeat = SeatForSale;

/** The token a payment is made with; its value is the payment's idempotency key. */
export interface Payer {
  tokenId: number;
  token: string;
  userId: string;
}

export interface Payment {
  id: number;
  userId: string;
  seatId: number;
  token: string;
  amount: Money;
  paidAt: Date;
}

/** The answer of a payment, and of every retry of it. */
export interface PaidSeat {
  id: number;
  concertPerformanceId: number;
  seatNumber: number;
  userId: string;
}

export function paidSeat(seat: PayableSeat, userId: string): PaidSeat {
  return {
    id: seat.id,
    concertPerformanceId: seat.performanceId,
    seatNumber: seat.seatNumber,
    userId,
  };
}

/** Sold, by the one rule: the seat row says so, or its book-info row recorded the sale. */
export function isSold(seat: PayableSeat): boolean {
  return isSoldSeat({ booked: seat.booked, bookSuccessAt: seat.hold.bookSuccessAt });
}

/** A performance starting exactly now has started, as booking counts it. */
export function hasStarted(seat: Pick<PayableSeat, 'performanceDatetime'>, now: Date): boolean {
  return hasPerformanceStarted(seat.performanceDatetime, now);
}

/**
 * Where a token stands on an unsold seat at `now`:
 * - OURS_LIVE: it holds the seat, inside the hold's TTL: it may pay;
 * - OTHERS_LIVE: another token holds it, live;
 * - OURS_LAPSED: the row still carries this token but the hold is past its TTL (a lapsed hold
 *   counts as free at once, even before the job releases it);
 * - NOT_OURS: nobody live and not this token: either it never held the seat or its hold was
 *   released; only the booking log can tell which.
 */
export type HoldStanding = 'OURS_LIVE' | 'OTHERS_LIVE' | 'OURS_LAPSED' | 'NOT_OURS';

export function holdStanding(seat: PayableSeat, token: string, now: Date): HoldStanding {
  const { hold } = seat;
  if (hold.token === null) return 'NOT_OURS';
  const live = isLiveHold(hold, now);
  if (hold.token === token) return live ? 'OURS_LIVE' : 'OURS_LAPSED';
  return live ? 'OTHERS_LIVE' : 'NOT_OURS';
}

/**
 * The token may pay for the seat now: unsold, its performance ahead, and its hold this token's
 * and live. The checkout's one statement writes nothing unless payableSeatSql, its SQL twin,
 * holds on the seat's locked rows.
 */
export function isPayableBy(seat: PayableSeat, token: string, now: Date): boolean {
  return !isSold(seat) && !hasStarted(seat, now) && holdStanding(seat, token, now) === 'OURS_LIVE';
}

/**
 * isPayableBy in SQL: `seat` aliases a row of booking's seatForSaleLockSql (the hold's `token`,
 * `expires_at`, `book_success_at`, the seat's `booked` and `performance_datetime`), `token`
 * and `now` are SQL (parameters).
 */
export function payableSeatSql(seat: string, token: string, now: string): string {
  return `(NOT ${soldSeatSql(seat, seat)}
           AND NOT ${performanceStartedSql(`${seat}.performance_datetime`, now)}
           AND ${liveHoldSql(seat, now)} AND ${seat}.token = ${token})`;
}
