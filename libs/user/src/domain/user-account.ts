import { InvalidRequestError, NotFoundError } from '@app/common/domain/domain-error';
import { Money } from '@app/common/domain/money';

export interface UserAccount {
  id: string;
  balance: Money;
}

/** A seat the user has paid for, with where and when it is. */
export interface BookedSeat {
  id: number;
  seatNumber: number;
  bookSuccessAt: Date;
  performance: { id: number; performanceDatetime: Date; concert: { id: number; name: string } };
}

export const MAX_CHARGE = Money.parse('10000000');

/** The largest balance numeric(14, 2) holds. */
export const MAX_BALANCE = Money.parse('999999999999.99');

export function assertChargeable(amount: Money): void {
  if (!amount.isPositive()) {
    throw new InvalidRequestError('amount must be greater than 0');
  }
  if (MAX_CHARGE.lessThan(amount)) {
    throw new InvalidRequestError(`amount must not be greater than ${MAX_CHARGE.toString()}`);
  }
}

export class BalanceLimitExceededError extends InvalidRequestError {
  constructor() {
    super(`balance must not exceed ${MAX_BALANCE.toString()}`);
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('User not found');
  }
}
