import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  UnauthorizedError,
} from '@app/common/domain/domain-error';

/** The contract's answers to a refused payment; the messages are its exact texts. */

export class PerformanceSeatNotFoundError extends NotFoundError {
  constructor() {
    super('Performance seat not found');
  }
}

export class QueueExpiredError extends InvalidRequestError {
  constructor() {
    super('Queue expired');
  }
}

export class SeatNotHeldByTokenError extends InvalidRequestError {
  constructor() {
    super('Seat is not held by this token');
  }
}

export class SeatAlreadyBookedError extends InvalidRequestError {
  constructor() {
    super('Seat is already booked');
  }
}

/** A hold taken before the start, paid for after it. */
export class PerformanceStartedError extends InvalidRequestError {
  constructor() {
    super('Performance has already started');
  }
}

export class InsufficientBalanceError extends ForbiddenError {
  constructor() {
    super('Insufficient balance');
  }
}

export class OtherUserBookingError extends ConflictError {
  constructor() {
    super('Other user is booking the seat');
  }
}

/**
 * The token stopped being active between the guard and the payment's transaction, or it has
 * paid already (for another seat: only its own payment's retry is answered).
 */
export class PayingTokenInvalidError extends UnauthorizedError {
  constructor() {
    super('Token is invalid');
  }
}
