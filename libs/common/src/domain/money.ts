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
    const text = typeof value === 'number' ? Money.numberToPlainString(value) : value.trim();
    const match = /^(-)?(\d+)(?:\.(\d{1,2})0*)?$/.exec(text);
    if (!match) {
      throw new RangeError(`Not a decimal with at most 2 fraction digits: ${text}`);
    }
    const [, sign, whole, fraction = ''] = match;
    const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
    return new Money(sign ? -cents : cents);
  }

  private static numberToPlainString(value: number): string {
    if (!Number.isFinite(value)) {
      throw new RangeError(`Not a finite amount: ${value}`);
    }
    // toFixed(2) would round 1.234 silently; a value with more digits must fail the regex.
    const text = String(value);
    return text.includes('e') ? value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : text;
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
