import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  UnauthorizedError,
} from '@app/common/domain/domain-error';
import { BookAttemptResult } from './book-attempt-result';

export class PerformanceSeatNotFoundError extends NotFoundError {
  constructor() {
    super('Performance seat not found');
  }
}

/**
 * The token stopped being active between the guard and the booking's commit (its payment of
 * another seat expired it): answered like the guard's 401, and not logged either.
 */
export class BookingTokenInvalidError extends UnauthorizedError {
  constructor() {
    super('Token is invalid');
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
