import { Money } from './money';

describe('Money', () => {
  it.each([
    ['12', '12.00'],
    ['12.5', '12.50'],
    ['0.01', '0.01'],
    ['-3.25', '-3.25'],
    ['10000000', '10000000.00'],
    ['999999999999.99', '999999999999.99'],
    ['7.50', '7.50'],
  ])('parses the decimal text %s as %s', (text, expected) => {
    expect(Money.parse(text).toString()).toBe(expected);
  });

  it.each([
    [0.1, '0.10'],
    [100.25, '100.25'],
    [1e7, '10000000.00'],
    [0, '0.00'],
  ])('parses the number %s without float drift', (value, expected) => {
    expect(Money.parse(value).toString()).toBe(expected);
  });

  it.each(['1.234', 'abc', '', '1e5', '1.', '.5', '--1'])('refuses %j', (text) => {
    expect(() => Money.parse(text)).toThrow(RangeError);
  });

  it.each([1.234, Number.NaN, Number.POSITIVE_INFINITY, 1e-7])('refuses the number %s', (value) => {
    expect(() => Money.parse(value)).toThrow(RangeError);
  });

  it('adds 0.1 ten times to exactly 1.00, unlike binary floats', () => {
    let sum = Money.ZERO;
    for (let i = 0; i < 10; i += 1) sum = sum.plus(Money.parse(0.1));
    expect(sum.toString()).toBe('1.00');
    expect(sum.equals(Money.parse('1'))).toBe(true);
  });

  it('compares, subtracts and negates', () => {
    const a = Money.parse('5.05');
    const b = Money.parse('5.10');
    expect(a.lessThan(b)).toBe(true);
    expect(b.minus(a).toString()).toBe('0.05');
    expect(a.minus(b).isNegative()).toBe(true);
    expect(a.negate().toString()).toBe('-5.05');
    expect(Money.ZERO.isPositive()).toBe(false);
  });

  it('serialises as a JSON number', () => {
    expect(JSON.stringify({ balance: Money.parse('1234.50') })).toBe('{"balance":1234.5}');
  });
});
