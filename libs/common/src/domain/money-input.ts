import { Money, plainDecimalText } from './money';

/**
 * The one check of a money value that arrived in a request (`amount`, `balance`, `price`).
 * Pure, and it never throws, whatever the value: a JSON body can hold a string, a boolean,
 * null, an array, an object, or a number written in exponent form (`1e-7`, `5e-324`, `1e21`),
 * which JavaScript prints in exponent form too, so a "count the digits after the point" check
 * that assumes `123.45` breaks on it.
 */

export interface MoneyRules {
  /** Lower bound, as a decimal number. */
  min: number;
  /** Upper bound, inclusive. */
  max: number;
  /** True when `min` itself is refused (an amount must be greater than 0). */
  minExclusive?: boolean;
  /** True when the field may be absent (undefined); null is never accepted. */
  optional?: boolean;
}

export type MoneyProblem =
  'missing' | 'not-a-number' | 'too-many-decimals' | 'below-minimum' | 'above-maximum';

export type MoneyCheck =
  { ok: true; money: Money | undefined } | { ok: false; problem: MoneyProblem };

export const MONEY_DECIMAL_PLACES = 2;

/** Digits after the decimal point of a finite number (1e-7 → 7, 100.005 → 3, 1e21 → 0). */
export function decimalPlaces(value: number): number {
  const text = plainDecimalText(value);
  if (text === undefined) return Number.NaN;
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

/** Checks a request's money value against the rules; the Money when it passes. */
export function checkMoneyInput(value: unknown, rules: MoneyRules): MoneyCheck {
  if (value === undefined) {
    return rules.optional ? { ok: true, money: undefined } : { ok: false, problem: 'missing' };
  }
  if (typeof value !== 'number' || Number.isNaN(value)) {
    return { ok: false, problem: 'not-a-number' };
  }
  // ±Infinity only comes from a JSON number too large for a double (1e400): out of range.
  if (value === Number.POSITIVE_INFINITY) return { ok: false, problem: 'above-maximum' };
  if (value === Number.NEGATIVE_INFINITY) return { ok: false, problem: 'below-minimum' };
  if (decimalPlaces(value) > MONEY_DECIMAL_PLACES) {
    return { ok: false, problem: 'too-many-decimals' };
  }
  const money = Money.parse(plainDecimalText(value)!);
  const min = Money.parse(plainDecimalText(rules.min)!);
  const max = Money.parse(plainDecimalText(rules.max)!);
  if (money.lessThan(min) || (rules.minExclusive && money.equals(min))) {
    return { ok: false, problem: 'below-minimum' };
  }
  if (max.lessThan(money)) return { ok: false, problem: 'above-maximum' };
  return { ok: true, money };
}

/** The one 400 message of a refused money value, naming the field. */
export function moneyProblemMessage(
  field: string,
  problem: MoneyProblem,
  rules: MoneyRules,
): string {
  switch (problem) {
    case 'missing':
      return `${field} is required`;
    case 'not-a-number':
      return `${field} must be a number`;
    case 'too-many-decimals':
      return `${field} must have at most ${MONEY_DECIMAL_PLACES} decimal places`;
    case 'below-minimum':
      if (rules.minExclusive) return `${field} must be greater than ${plainDecimalText(rules.min)}`;
      return rules.min === 0
        ? `${field} must not be negative`
        : `${field} must be at least ${plainDecimalText(rules.min)}`;
    case 'above-maximum':
      return `${field} must not be greater than ${plainDecimalText(rules.max)}`;
  }
}

/** The message of a refused value, or undefined when the value passes. Never throws. */
export function moneyInputError(
  field: string,
  value: unknown,
  rules: MoneyRules,
): string | undefined {
  const check = checkMoneyInput(value, rules);
  return check.ok ? undefined : moneyProblemMessage(field, check.problem, rules);
}
