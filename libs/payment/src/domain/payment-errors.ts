import { ForbiddenError, InvalidRequestError } from '@app/common/domain/domain-error';

/**
 * The contract's answers to a refused payment that only payment gives; the messages are its
 * exact texts. The seat's refusals (not found, sold, started, held by another) are booking's
 * classes, and a spent or expired token is the queue's TokenInvalidError.
 */

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

export class InsufficientBalanceError extends ForbiddenError {
  constructor() {
    super('Insufficient balance');
  }
}
