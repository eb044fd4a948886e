import { ConflictError, InvalidRequestError, NotFoundError } from '@app/common/domain/domain-error';
import { BookAttemptResult } from './book-attempt-result';

/**
 * The refusals about a seat, for booking and payment alike (one class per meaning): the seat
 * does not exist, is sold, its performance has started, or another token holds it live.
 * Booking logs the refusals it answers (BookingRefusal's result); payment answers the same
 * classes and logs nothing.
 */

export class PerformanceSeatNotFoundError extends NotFoundError {
  constructor() {
    super('Performance seat not found');
  }
}

/** A refused booking attempt: the contract's error plus the result its log row records. */
export interface BookingRefusal {
  readonly result: BookAttemptResult;
}

export class SeatAlreadyBookedError extends InvalidRequestError implements BookingRefusal {
  readonly result = 'SEAT_ALREADY_BOOKED' as const;
  constructor() {
    super('Seat is already booked');
  }
}

export class PerformanceStartedError extends InvalidRequestError implements BookingRefusal {
  readonly result = 'PERFORMANCE_STARTED' as const;
  constructor() {
    super('Performance has already started');
  }
}

export class UserHasReservationError extends ConflictError implements BookingRefusal {
  readonly result = 'USER_HAS_RESERVATION' as const;
  constructor() {
    super('User already has a reservation');
  }
}

export class SeatHeldByOtherError extends ConflictError implements BookingRefusal {
  readonly result = 'SEAT_HELD_BY_OTHER' as const;
  constructor() {
    super('Other user is booking the seat');
  }
}

export function isBookingRefusal(error: unknown): error is Error & BookingRefusal {
  return (
    error instanceof SeatAlreadyBookedError ||
    error instanceof PerformanceStartedError ||
    error instanceof UserHasReservationError ||
    error instanceof SeatHeldByOtherError
  );
}
