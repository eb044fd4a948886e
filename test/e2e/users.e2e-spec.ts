import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';

describe('users: balances and admin', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function newUser(balance?: number): Promise<string> {
    const response = await call(t.app, 'POST', '/admin/users', {
      headers: { 'x-admin-key': ADMIN_KEY },
      body: balance === undefined ? {} : { balance },
    });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  async function ledgerOf(userId: string): Promise<{ rows: number; sum: string; balance: string }> {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM balance_ledger WHERE user_id = $1) AS rows,
              (SELECT coalesce(sum(amount), 0)::text FROM balance_ledger WHERE user_id = $1) AS sum,
              (SELECT balance::text FROM users WHERE id = $1) AS balance`,
      [userId],
    );
    return row;
  }

  describe('POST /users/{user_id}/charge', () => {
    it('adds the amount, answers the new balance and writes a ledger row', async () => {
      const userId = await newUser(10);
      const response = await call(t.app, 'POST', `/users/${userId}/charge`, {
        body: { amount: 100.25 },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ result: true, balance: 110.25 });
      expect(await ledgerOf(userId)).toEqual({ rows: 2, sum: '110.25', balance: '110.25' });
    });

    it('ignores a token header', async () => {
      const userId = await newUser();
      const response = await call(t.app, 'POST', `/users/${userId}/charge`, {
        body: { amount: 1 },
        token: 'not-a-token',
      });
      expect(response.status).toBe(200);
      expect(response.body.balance).toBe(1);
    });

    it('answers 404 User not found for an unknown user and writes nothing', async () => {
      const unknown = '0b8e7c1e-9a55-4a57-8f0e-7a3f0a8b9c11';
      const response = await call(t.app, 'POST', `/users/${unknown}/charge`, {
        body: { amount: 5 },
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'User not found' });
      const [{ count }] = await t.db.query(
        'SELECT count(*)::int AS count FROM balance_ledger WHERE user_id = $1',
        [unknown],
      );
      expect(count).toBe(0);
    });

    it('accepts exactly the maximum of 10,000,000 per charge', async () => {
      const userId = await newUser();
      const response = await call(t.app, 'POST', `/users/${userId}/charge`, {
        body: { amount: 10_000_000 },
      });
      expect(response.status).toBe(200);
      expect(response.body.balance).toBe(10_000_000);
    });

    const badBodies: [string, string | undefined, RegExp][] = [
      ['amount 0', '{"amount": 0}', /amount must be greater than 0/],
      ['amount -1', '{"amount": -1}', /amount must be greater than 0/],
      ['amount "abc"', '{"amount": "abc"}', /amount must be a number/],
      ['amount "100" as a string', '{"amount": "100"}', /amount must be a number/],
      ['amount 1.234', '{"amount": 1.234}', /at most 2 decimal places/],
      [
        'amount above the maximum',
        '{"amount": 10000000.01}',
        /amount must not be greater than 10000000/,
      ],
      ['a huge amount', '{"amount": 1e308}', /amount must not be greater than 10000000/],
      ['amount null', '{"amount": null}', /^amount must be a number$/],
      ['no amount', '{}', /amount is required/],
      ['no body', undefined, /amount is required/],
      [
        'unknown fields',
        '{"amount": 5, "user_id": "x", "balance": 1}',
        /property user_id should not exist/,
      ],
      ['an array body', '[{"amount": 5}]', /must be a JSON object/],
      ['malformed JSON', '{"amount": ', /JSON/i],
    ];

    it.each(badBodies)('answers 400 for %s and writes nothing', async (_name, payload, message) => {
      const userId = await newUser(7);
      const response = await call(t.app, 'POST', `/users/${userId}/charge`, { payload });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(['message']);
      expect(response.body.message).toMatch(message);
      expect(await ledgerOf(userId)).toEqual({ rows: 1, sum: '7.00', balance: '7.00' });
    });

    it.each(['not-a-uuid', '123', "1' OR '1'='1"])(
      'answers 400 naming user_id for the malformed id %s',
      async (id) => {
        const response = await call(t.app, 'POST', `/users/${encodeURIComponent(id)}/charge`, {
          body: { amount: 5 },
        });
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ message: 'user_id must be a UUID' });
      },
    );

    it('applies 100 concurrent charges of 1.00 exactly: +100.00 and 100 ledger rows', async () => {
      const userId = await newUser();
      const responses = await Promise.all(
        Array.from({ length: 100 }, () =>
          call(t.app, 'POST', `/users/${userId}/charge`, { body: { amount: 1.0 } }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
      // Every answer saw a different committed balance: no two charges read the same one.
      const balances = responses.map((r) => r.body.balance).sort((a, b) => a - b);
      expect(balances).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await ledgerOf(userId)).toEqual({ rows: 100, sum: '100.00', balance: '100.00' });
    });
  });

  describe('GET /users/{user_id}', () => {
    it('answers the balance and an empty list of booked seats', async () => {
      const userId = await newUser(42.5);
      const response = await call(t.app, 'GET', `/users/${userId}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: userId, balance: 42.5, booked_performance_seats: [] });
    });

    it('lists the seats the user has paid for, with performance and concert', async () => {
      const userId = await newUser();
      const [{ id: concertId }] = await t.db.query(
        "INSERT INTO concerts (name) VALUES ('Test Concert') RETURNING id",
      );
      const [{ id: performanceId }] = await t.db.query(
        `INSERT INTO concert_performances (concert_id, performance_datetime, max_seats, price)
         VALUES ($1, '2030-01-02T19:00:00Z', 1, 10) RETURNING id`,
        [concertId],
      );
      const [{ id: seatId }] = await t.db.query(
        `INSERT INTO performance_seats (concert_performance_id, seat_number, price, user_id, booked)
         VALUES ($1, 1, 10, $2, true) RETURNING id`,
        [performanceId, userId],
      );
      await t.db.query(
        `INSERT INTO performance_seat_book_info
           (performance_seat_id, token, user_id, book_attempt_at, expires_at, book_success_at)
         VALUES ($1, $2, $3, '2029-12-01T00:00:00Z', '2029-12-01T00:05:00Z', '2029-12-01T00:01:00Z')`,
        [seatId, 'a'.repeat(32), userId],
      );
      const response = await call(t.app, 'GET', `/users/${userId}`);
      expect(response.status).toBe(200);
      expect(response.body.booked_performance_seats).toEqual([
        {
          id: Number(seatId),
          seat_number: 1,
          book_success_at: '2029-12-01T00:01:00.000Z',
          concert_performance: {
            id: Number(performanceId),
            performance_datetime: '2030-01-02T19:00:00.000Z',
            concert: { id: Number(concertId), name: 'Test Concert' },
          },
        },
      ]);
    });

    it('answers 404 User not found', async () => {
      const response = await call(t.app, 'GET', '/users/0b8e7c1e-9a55-4a57-8f0e-7a3f0a8b9c11');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'User not found' });
    });

    it('answers 400 for a malformed id', async () => {
      const response = await call(t.app, 'GET', '/users/abc');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'user_id must be a UUID' });
    });
  });

  describe('POST /admin/users', () => {
    it('creates a user with an opening balance recorded in the ledger', async () => {
      const response = await call(t.app, 'POST', '/admin/users', {
        headers: { 'x-admin-key': ADMIN_KEY },
        body: { balance: 250.5 },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        balance: 250.5,
      });
      expect(await ledgerOf(response.body.id)).toEqual({
        rows: 1,
        sum: '250.50',
        balance: '250.50',
      });
    });

    it('creates a user with a zero balance and no ledger row by default', async () => {
      const response = await call(t.app, 'POST', '/admin/users', {
        headers: { 'x-admin-key': ADMIN_KEY },
      });
      expect(response.status).toBe(201);
      expect(response.body.balance).toBe(0);
      expect(await ledgerOf(response.body.id)).toEqual({ rows: 0, sum: '0', balance: '0.00' });
    });

    it.each([
      ['a negative balance', { balance: -1 }, /balance must not be negative/],
      ['3 decimals', { balance: 1.005 }, /at most 2 decimal places/],
      ['a string', { balance: 'lots' }, /balance must be a number/],
      ['unknown fields', { id: 'x' }, /property id should not exist/],
    ])('answers 400 for %s and creates nobody', async (_name, body, message) => {
      const [{ count: before }] = await t.db.query('SELECT count(*)::int AS count FROM users');
      const response = await call(t.app, 'POST', '/admin/users', {
        headers: { 'x-admin-key': ADMIN_KEY },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
      const [{ count: after }] = await t.db.query('SELECT count(*)::int AS count FROM users');
      expect(after).toBe(before);
    });

    it.each([
      ['no key', {}],
      ['a wrong key', { 'x-admin-key': 'nope' }],
      ['a key of another length', { 'x-admin-key': `${ADMIN_KEY}x` }],
    ])('answers 401 Admin key is invalid with %s', async (_name, headers) => {
      const response = await call(t.app, 'POST', '/admin/users', { headers, body: {} });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Admin key is invalid' });
    });
  });
});

describe('admin endpoints with ADMIN_API_KEY unset', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEY: '' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 to every key, even an empty one', async () => {
    for (const key of ['', ADMIN_KEY, 'anything']) {
      const response = await call(t.app, 'POST', '/admin/users', {
        headers: { 'x-admin-key': key },
        body: {},
      });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Admin key is invalid' });
    }
  });
});
