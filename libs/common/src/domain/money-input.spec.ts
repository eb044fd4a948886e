import { Money, plainDecimalText } from './money';
import { checkMoneyInput, decimalPlaces, moneyInputError, MoneyRules } from './money-input';

const AMOUNT: MoneyRules = { min: 0, minExclusive: true, max: 10_000_000 };
const BALANCE: MoneyRules = { min: 0, max: 999_999_999_999.99, optional: true };
const PRICE: MoneyRules = { min: 0, max: 10_000_000 };

describe('plainDecimalText and decimalPlaces', () => {
  it.each([
    [0, '0', 0],
    [-0, '0', 0],
    [1, '1', 0],
    [-1.5, '-1.5', 1],
    [100.25, '100.25', 2],
    [100.005, '100.005', 3],
    [0.1, '0.1', 1],
    [1e-7, '0.0000001', 7],
    [1.5e-7, '0.00000015', 8],
    [0.0000001, '0.0000001', 7],
    [5e-324, `0.${'0'.repeat(323)}5`, 324],
    [1e21, '1000000000000000000000', 0],
    [1.5e21, '1500000000000000000000', 0],
    [-1e21, '-1000000000000000000000', 0],
    [123e-20, `0.${'0'.repeat(17)}123`, 20],
    [1e308, `1${'0'.repeat(308)}`, 0],
    [999_999_999_999.99, '999999999999.99', 2],
  ])('%s is %s with %s decimals', (value, text, decimals) => {
    expect(plainDecimalText(value)).toBe(text);
    expect(decimalPlaces(value)).toBe(decimals);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'has no decimal text for %s',
    (value) => {
      expect(plainDecimalText(value)).toBeUndefined();
      expect(decimalPlaces(value)).toBeNaN();
    },
  );

  it('gives back the same number for thousands of random doubles', () => {
    for (let i = 0; i < 5000; i += 1) {
      const value = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 60 - 30);
      expect(Number(plainDecimalText(value))).toBe(value === 0 ? 0 : value);
    }
  });
});

describe('checkMoneyInput / moneyInputError', () => {
  it.each([
    [100, '100.00'],
    [0.01, '0.01'],
    [100.25, '100.25'],
    [10_000_000, '10000000.00'],
    [1e7, '10000000.00'],
    [2.5e1, '25.00'],
  ])('accepts the amount %s as %s', (value, cents) => {
    const check = checkMoneyInput(value, AMOUNT);
    expect(check).toEqual({ ok: true, money: Money.parse(cents) });
    expect(moneyInputError('amount', value, AMOUNT)).toBeUndefined();
  });

  it.each<[string, unknown, MoneyRules, string]>([
    ['a numeric string', '10', AMOUNT, 'amount must be a number'],
    ['an empty string', '', AMOUNT, 'amount must be a number'],
    ['true', true, AMOUNT, 'amount must be a number'],
    ['false', false, AMOUNT, 'amount must be a number'],
    ['null', null, AMOUNT, 'amount must be a number'],
    ['an array', [10], AMOUNT, 'amount must be a number'],
    ['an object', { value: 10 }, AMOUNT, 'amount must be a number'],
    ['NaN', Number.NaN, AMOUNT, 'amount must be a number'],
    ['a bigint', 10n, AMOUNT, 'amount must be a number'],
    ['missing', undefined, AMOUNT, 'amount is required'],
    ['1e-7', 1e-7, AMOUNT, 'amount must have at most 2 decimal places'],
    ['0.0000001', 0.0000001, AMOUNT, 'amount must have at most 2 decimal places'],
    ['5e-324', 5e-324, AMOUNT, 'amount must have at most 2 decimal places'],
    ['100.005', 100.005, AMOUNT, 'amount must have at most 2 decimal places'],
    ['-0.001', -0.001, AMOUNT, 'amount must have at most 2 decimal places'],
    ['0', 0, AMOUNT, 'amount must be greater than 0'],
    ['-0', -0, AMOUNT, 'amount must be greater than 0'],
    ['-1', -1, AMOUNT, 'amount must be greater than 0'],
    ['-Infinity', Number.NEGATIVE_INFINITY, AMOUNT, 'amount must be greater than 0'],
    ['10000000.01', 10_000_000.01, AMOUNT, 'amount must not be greater than 10000000'],
    ['1e21', 1e21, AMOUNT, 'amount must not be greater than 10000000'],
    ['1e308', 1e308, AMOUNT, 'amount must not be greater than 10000000'],
    ['Infinity', Number.POSITIVE_INFINITY, AMOUNT, 'amount must not be greater than 10000000'],
    ['a negative balance', -1, BALANCE, 'balance must not be negative'],
    ['a huge balance', 1e12, BALANCE, 'balance must not be greater than 999999999999.99'],
    ['a null balance', null, BALANCE, 'balance must be a number'],
    ['a 1e-7 balance', 1e-7, BALANCE, 'balance must have at most 2 decimal places'],
    ['a negative price', -0.01, PRICE, 'price must not be negative'],
    ['a 5e-324 price', 5e-324, PRICE, 'price must have at most 2 decimal places'],
    ['a price as a string', '10', PRICE, 'price must be a number'],
    ['no price', undefined, PRICE, 'price is required'],
  ])('refuses %s with one message', (_name, value, rules, message) => {
    const field = message.split(' ')[0];
    expect(checkMoneyInput(value, rules).ok).toBe(false);
    expect(moneyInputError(field, value, rules)).toBe(message);
  });

  it('lets an optional field be absent, and takes -0 and 0 as a zero balance or price', () => {
    expect(checkMoneyInput(undefined, BALANCE)).toEqual({ ok: true, money: undefined });
    expect(checkMoneyInput(-0, BALANCE)).toEqual({ ok: true, money: Money.ZERO });
    expect(checkMoneyInput(0, PRICE)).toEqual({ ok: true, money: Money.ZERO });
    expect(checkMoneyInput(999_999_999_999.99, BALANCE)).toEqual({
      ok: true,
      money: Money.parse('999999999999.99'),
    });
  });

  it('never throws, whatever the value', () => {
    const hostile: unknown[] = [
      Symbol('x'),
      () => 1,
      Object.create(null),
      new Date(),
      { valueOf: () => 1 },
      {
        toString: () => {
          throw new Error('boom');
        },
      },
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.EPSILON,
      2 ** 53 + 2,
    ];
    for (let exponent = -330; exponent <= 330; exponent += 1) {
      hostile.push(Number(`1e${exponent}`), Number(`-1.23e${exponent}`));
    }
    for (const value of hostile) {
      for (const rules of [AMOUNT, BALANCE, PRICE]) {
        expect(() => moneyInputError('amount', value, rules)).not.toThrow();
        expect(typeof moneyInputError('amount', value, rules)).toMatch(/string|undefined/);
      }
    }
  });
});

describe('Money.parse of exponent-form numbers', () => {
  it('reads 1e7 and 2.5e1 exactly and refuses what has more than 2 decimals', () => {
    expect(Money.parse(1e7).toString()).toBe('10000000.00');
    expect(Money.parse(2.5e1).toString()).toBe('25.00');
    expect(Money.parse(-0).toString()).toBe('0.00');
    expect(() => Money.parse(5e-324)).toThrow(RangeError);
    expect(() => Money.parse(1e-7)).toThrow(RangeError);
  });
});
