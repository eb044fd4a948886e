import { InvalidRequestError } from '@app/common/domain/domain-error';
import { Money } from '@app/common/domain/money';
import { assertValidConcertName } from './concert-name';
import { assertValidNewPerformance, NewPerformance } from './new-performance';

const valid: NewPerformance = {
  performanceDatetime: new Date('2031-01-01T19:00:00Z'),
  maxSeats: 50,
  price: Money.parse('120.50'),
};

describe('new performance rules', () => {
  it('accepts the limits themselves', () => {
    expect(() =>
      assertValidNewPerformance({ ...valid, maxSeats: 1, price: Money.ZERO }),
    ).not.toThrow();
    expect(() =>
      assertValidNewPerformance({ ...valid, maxSeats: 10_000, price: Money.parse('10000000') }),
    ).not.toThrow();
  });

  it.each([
    [
      'an invalid date',
      { performanceDatetime: new Date('nope') },
      'performance_datetime must be a valid date-time',
    ],
    ['0 seats', { maxSeats: 0 }, 'max_seats must be an integer from 1 to 10000'],
    ['10001 seats', { maxSeats: 10_001 }, 'max_seats must be an integer from 1 to 10000'],
    ['a fractional seat count', { maxSeats: 2.5 }, 'max_seats must be an integer from 1 to 10000'],
    ['a negative price', { price: Money.parse('-0.01') }, 'price must not be negative'],
    [
      'a price above 10,000,000',
      { price: Money.parse('10000000.01') },
      'price must not be greater than 10000000',
    ],
  ])('refuses %s', (_name, change, message) => {
    const attempt = () => assertValidNewPerformance({ ...valid, ...change });
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow(message);
  });
});

describe('concert name rules', () => {
  it('accepts up to 200 characters', () => {
    expect(() => assertValidConcertName('x'.repeat(200))).not.toThrow();
  });

  it.each([
    ['', 'name must not be blank'],
    [' \t ', 'name must not be blank'],
    ['x'.repeat(201), 'name must be at most 200 characters long'],
  ])('refuses %j', (name, message) => {
    expect(() => assertValidConcertName(name)).toThrow(message);
  });
});
