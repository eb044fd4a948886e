import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertConcert, insertUser } from '../support/fixtures';

/**
 * Every money field of the API (`amount` of a charge, `balance` of a new user, `price` of a
 * new performance) goes through one validator: each refused value gets exactly one message
 * naming the field, never a 500, and nothing is written. The bodies are raw JSON text, so
 * that the server really receives `1e-7` and `-0` as written (JSON.stringify would not).
 */
describe('money fields: one validator, one message, nothing written', () => {
  let t: TestApp;
  let userId: string;
  let concertId: number;

  beforeAll(async () => {
    t = await createTestApp();
    userId = await insertUser(t.db, '7.00');
    concertId = await insertConcert(t.db, 'Money Concert');
  });
  afterAll(async () => {
    await t.close();
  });

  /** Everything a money request could write. */
  async function totals(): Promise<Record<string, unknown>> {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM users) AS users,
              (SELECT coalesce(sum(balance), 0)::text FROM users) AS balances,
              (SELECT count(*)::int FROM balance_ledger) AS ledger,
              (SELECT count(*)::int FROM concert_performances) AS performances,
              (SELECT count(*)::int FROM performance_seats) AS seats`,
    );
    return row;
  }

  const NOT_A_NUMBER = ['"10"', '"abc"', '""', 'true', 'false', 'null', '[10]', '[]', '{}'];
  const TOO_MANY_DECIMALS = ['1e-7', '0.0000001', '5e-324', '100.005', '1.5e-3', '1E-7', '-1e-7'];

  const endpoints = [
    {
      field: 'amount',
      send: (literal: string) =>
        call(t.app, 'POST', `/users/${userId}/charge`, { payload: `{"amount": ${literal}}` }),
      outOfRange: [
        ['0', 'amount must be greater than 0'],
        ['-0', 'amount must be greater than 0'],
        ['-1', 'amount must be greater than 0'],
        ['-1e400', 'amount must be greater than 0'],
        ['10000000.01', 'amount must not be greater than 10000000'],
        ['1e21', 'amount must not be greater than 10000000'],
        ['1e308', 'amount must not be greater than 10000000'],
        ['1e400', 'amount must not be greater than 10000000'],
      ],
    },
    {
      field: 'balance',
      send: (literal: string) =>
        call(t.app, 'POST', '/admin/users', {
          headers: { 'x-admin-key': ADMIN_KEY },
          payload: `{"balance": ${literal}}`,
        }),
      outOfRange: [
        ['-0.01', 'balance must not be negative'],
        ['-1e21', 'balance must not be negative'],
        ['1e12', 'balance must not be greater than 999999999999.99'],
        ['1e21', 'balance must not be greater than 999999999999.99'],
      ],
    },
    {
      field: 'price',
      send: (literal: string) =>
        call(t.app, 'POST', `/admin/concerts/${concertId}/performances`, {
          headers: { 'x-admin-key': ADMIN_KEY },
          payload: `{"performance_datetime": "2031-01-01T19:00:00Z", "max_seats": 3, "price": ${literal}}`,
        }),
      outOfRange: [
        ['-1', 'price must not be negative'],
        ['-5e-1', 'price must not be negative'],
        ['10000000.01', 'price must not be greater than 10000000'],
        ['1e21', 'price must not be greater than 10000000'],
      ],
    },
  ];

  describe.each(endpoints)('$field', ({ field, send, outOfRange }) => {
    const cases: [string, string][] = [
      ...NOT_A_NUMBER.map((literal): [string, string] => [literal, `${field} must be a number`]),
      ...TOO_MANY_DECIMALS.map((literal): [string, string] => [
        literal,
        `${field} must have at most 2 decimal places`,
      ]),
      ...(outOfRange as [string, string][]),
    ];

    it.each(cases)(
      `answers 400 to ${field}: %s with exactly "%s", writing nothing`,
      async (literal, message) => {
        const before = await totals();
        const response = await send(literal);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ message });
        expect(await totals()).toEqual(before);
      },
    );
  });

  it('accepts exponent-form and -0 money where the value itself is valid', async () => {
    const charged = await call(t.app, 'POST', `/users/${userId}/charge`, {
      payload: '{"amount": 2.5E1}',
    });
    expect(charged.status).toBe(200);
    expect(charged.body).toEqual({ result: true, balance: 32 });

    const created = await call(t.app, 'POST', '/admin/users', {
      headers: { 'x-admin-key': ADMIN_KEY },
      payload: '{"balance": 1.5e2}',
    });
    expect(created.status).toBe(201);
    expect(created.body.balance).toBe(150);

    const zero = await call(t.app, 'POST', '/admin/users', {
      headers: { 'x-admin-key': ADMIN_KEY },
      payload: '{"balance": -0}',
    });
    expect(zero.status).toBe(201);
    expect(zero.body.balance).toBe(0);

    const performance = await call(t.app, 'POST', `/admin/concerts/${concertId}/performances`, {
      headers: { 'x-admin-key': ADMIN_KEY },
      payload: '{"performance_datetime": "2031-01-01T19:00:00Z", "max_seats": 2, "price": 1.2e1}',
    });
    expect(performance.status).toBe(201);
    const [row] = await t.db.query(
      `SELECT (SELECT balance::text FROM users WHERE id = $1) AS balance,
              (SELECT array_agg(DISTINCT s.price::text) FROM performance_seats s
                 JOIN concert_performances p ON p.id = s.concert_performance_id
                WHERE p.concert_id = $2) AS prices`,
      [userId, concertId],
    );
    expect(row).toEqual({ balance: '32.00', prices: ['12.00'] });
  });
});
