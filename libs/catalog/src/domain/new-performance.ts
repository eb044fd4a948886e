import { InvalidRequestError } from '@app/common/domain/domain-error';
import { Money } from '@app/common/domain/money';

export const MAX_SEATS_PER_PERFORMANCE = 10_000;
export const MAX_SEAT_PRICE = Money.parse('10000000');

export interface NewPerformance {
  performanceDatetime: Date;
  maxSeats: number;
  price: Money;
}

/** The admin's rules for a new performance and its seats. */
export function assertValidNewPerformance(input: NewPerformance): void {
  if (Number.isNaN(input.performanceDatetime.getTime())) {
    throw new InvalidRequestError('performance_datetime must be a valid date-time');
  }
  if (
    !Number.isInteger(input.maxSeats) ||
    input.maxSeats < 1 ||
    input.maxSeats > MAX_SEATS_PER_PERFORMANCE
  ) {
    throw new InvalidRequestError(
      `max_seats must be an integer from 1 to ${MAX_SEATS_PER_PERFORMANCE}`,
    );
  }
  if (input.price.isNegative()) throw new InvalidRequestError('price must not be negative');
  if (MAX_SEAT_PRICE.lessThan(input.price)) {
    throw new InvalidRequestError(`price must not be greater than ${MAX_SEAT_PRICE.toJSON()}`);
  }
}
