/**
 * A decimal amount with at most two fraction digits, held as integer cents in a bigint so
 * that no arithmetic ever goes through binary floating point. PostgreSQL's `numeric` comes
 * back as a string and goes in as one; JSON output is a number.
 */
export class Money {
  private constructor(readonly cents: bigint) {}

  static readonly ZERO = new Money(0n);

  static ofCents(cents: bigint): Money {
    return new Money(cents);
  }

  /** Parses "12", "12.5", "-3.25" (a numeric column, or a validated request number). */
  static parse(value: string | number): Money {
    const text = typeof value === 'number' ? plainDecimalText(value) : value.trim();
    if (text === undefined) {
      throw new RangeError(`Not a finite amount: ${value}`);
    }
    const match = /^(-)?(\d+)(?:\.(\d{1,2})0*)?$/.exec(text);
    if (!match) {
      throw new RangeError(`Not a decimal with at most 2 fraction digits: ${text}`);
    }
    const [, sign, whole, fraction = ''] = match;
    const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
    return new Money(sign ? -cents : cents);
  }

  plus(other: Money): Money {
    return new Money(this.cents + other.cents);
  }

  minus(other: Money): Money {
    return new Money(this.cents - other.cents);
  }

  negate(): Money {
    return new Money(-this.cents);
  }

  isPositive(): boolean {
    return this.cents > 0n;
  }

  isNegative(): boolean {
    return this.cents < 0n;
  }

  lessThan(other: Money): boolean {
    return this.cents < other.cents;
  }

  equals(other: Money): boolean {
    return this.cents === other.cents;
  }

  /** "1234.50": the form PostgreSQL's numeric takes as a parameter. */
  toString(): string {
    const negative = this.cents < 0n;
    const abs = negative ? -this.cents : this.cents;
    const whole = abs / 100n;
    const fraction = (abs % 100n).toString().padStart(2, '0');
    return `${negative ? '-' : ''}${whole}.${fraction}`;
  }

  /** The JSON number of the contract. Only the decimal text is converted, never arithmetic. */
  toJSON(): number {
    return Number(this.toString());
  }
}

/**
 * The plain decimal text of a finite number (no exponent, no sign for -0), taken from its
 * shortest round-trip form String(n): 1e-7 → "0.0000001", 1e21 → "1000000000000000000000",
 * -0 → "0". Exactly the digits JSON.parse read, without any float arithmetic. Undefined for
 * NaN and ±Infinity.
 */
export function plainDecimalText(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const negative = value < 0;
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(value)));
  if (!match) return undefined;
  const [, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  const digits = whole + fraction;
  // Position of the decimal point within `digits`.
  const point = whole.length + exponent;
  let integerPart: string;
  let fractionPart: string;
  if (point <= 0) {
    integerPart = '0';
    fractionPart = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    integerPart = digits + '0'.repeat(point - digits.length);
    fractionPart = '';
  } else {
    integerPart = digits.slice(0, point);
    fractionPart = digits.slice(point);
  }
  integerPart = integerPart.replace(/^0+(?=\d)/, '');
  fractionPart = fractionPart.replace(/0+$/, '');
  const text = fractionPart === '' ? integerPart : `${integerPart}.${fractionPart}`;
  return negative && text !== '0' ? `-${text}` : text;
}
