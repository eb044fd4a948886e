import { call } from '../support/http';
import {
  insertActiveToken,
  insertBuyer,
  insertConcert,
  insertPerformance,
  insertQueuedToken,
  insertUser,
  newTokenValue,
  insertSale,
} from '../support/fixtures';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';

const HOLD_TTL = 300;
const DAY = 24 * 60 * 60 * 1000;
const admin = { 'x-admin-key': ADMIN_KEY };

describe('catalog', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp();
    // Valid all day: these tests move the clock past hold TTLs.
    token = await insertActiveToken(t.db, await insertUser(t.db), t.clock.now(), 86_400);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, as = token) => call(t.app, 'GET', url, { token: as });
  const inDays = (days: number) => new Date(t.clock.now().getTime() + days * DAY);

  async function hold(seatId: number): Promise<void> {
    const buyer = await insertBuyer(t.db, t.clock.now());
    const response = await call(t.app, 'POST', `/performance_seats/${seatId}/book`, {
      token: buyer.token,
    });
    expect(response.status).toBe(201);
  }

  async function sell(seatId: number): Promise<void> {
    const buyer = { userId: await insertUser(t.db), token: newTokenValue() };
    await insertSale(t.db, seatId, buyer, t.clock.now(), HOLD_TTL);
  }

  describe('GET /concerts', () => {
    it('lists every concert as {id, name}, by id', async () => {
      const before = await get('/concerts');
      expect(before.status).toBe(200);
      const ids = [
        await insertConcert(t.db, 'Zeta'),
        await insertConcert(t.db, 'Alpha'),
        await insertConcert(t.db, 'Mu'),
      ];
      const response = await get('/concerts');
      expect(response.status).toBe(200);
      expect(response.body.slice(before.body.length)).toEqual([
        { id: ids[0], name: 'Zeta' },
        { id: ids[1], name: 'Alpha' },
        { id: ids[2], name: 'Mu' },
      ]);
      const all = response.body.map((concert: { id: number }) => concert.id);
      expect(all).toEqual([...all].sort((a, b) => a - b));
    });
  });

  describe('GET /concert_performances', () => {
    it('lists only future performances with a seat left, by date, with price and availability', async () => {
      const concertId = await insertConcert(t.db);
      const later = await insertPerformance(t.db, concertId, {
        at: inDays(20),
        seats: 4,
        price: '120.50',
      });
      await insertPerformance(t.db, concertId, { at: inDays(-1), seats: 4 });
      const sooner = await insertPerformance(t.db, concertId, {
        at: inDays(10),
        seats: 2,
        price: '0.00',
      });
      await insertPerformance(t.db, concertId, { at: t.clock.now(), seats: 2 });
      const other = await insertConcert(t.db);
      await insertPerformance(t.db, other, { at: inDays(5), seats: 1 });

      const response = await get(`/concert_performances?concert_id=${concertId}`);

      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        {
          id: sooner.performanceId,
          concert_id: concertId,
          max_seats: 2,
          available_seats: 2,
          price: 0,
          performance_datetime: inDays(10).toISOString(),
        },
        {
          id: later.performanceId,
          concert_id: concertId,
          max_seats: 4,
          available_seats: 4,
          price: 120.5,
          performance_datetime: inDays(20).toISOString(),
        },
      ]);
    });

    it('counts down with holds and sales, and back up when a hold lapses (before any job)', async () => {
      const concertId = await insertConcert(t.db);
      const { seatIds } = await insertPerformance(t.db, concertId, { at: inDays(3), seats: 3 });
      const available = async () =>
        (await get(`/concert_performances?concert_id=${concertId}`)).body.map(
          (performance: { available_seats: number }) => performance.available_seats,
        );

      expect(await available()).toEqual([3]);
      await hold(seatIds[0]);
      expect(await available()).toEqual([2]);
      await sell(seatIds[1]);
      expect(await available()).toEqual([1]);
      await hold(seatIds[2]);
      expect(await available()).toEqual([]); // none left: the date drops out of the list
      t.clock.advanceSeconds(HOLD_TTL);
      expect(await available()).toEqual([2]); // both holds lapsed, the sale stays
    });

    it('answers [] for a concert with no bookable date', async () => {
      const concertId = await insertConcert(t.db);
      const response = await get(`/concert_performances?concert_id=${concertId}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
    });

    it('ignores unknown query parameters', async () => {
      const concertId = await insertConcert(t.db);
      await insertPerformance(t.db, concertId, { at: inDays(1), seats: 1 });
      const response = await get(`/concert_performances?concert_id=${concertId}&page=2`);
      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(1);
    });

    it('answers 404 Concert not found', async () => {
      const response = await get('/concert_performances?concert_id=987654321');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Concert not found' });
    });

    it.each([
      ['missing', '', 'concert_id is required'],
      ['empty', '?concert_id=', 'concert_id is required'],
      ['1e3', '?concert_id=1e3', 'concert_id must be a positive integer'],
      ['abc', '?concert_id=abc', 'concert_id must be a positive integer'],
      ['0', '?concert_id=0', 'concert_id must be a positive integer'],
      ['-3', '?concert_id=-3', 'concert_id must be a positive integer'],
      ['2.5', '?concert_id=2.5', 'concert_id must be a positive integer'],
      ['too large', '?concert_id=123456789012345678901', 'concert_id must be a positive integer'],
    ])('answers 400 naming concert_id when it is %s', async (_name, query, message) => {
      const response = await get(`/concert_performances${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message });
    });
  });

  describe('GET /performance_seats', () => {
    it('lists the seats by number with price, booked and status AVAILABLE/HELD/BOOKED', async () => {
      const concertId = await insertConcert(t.db);
      const { performanceId, seatIds } = await insertPerformance(t.db, concertId, {
        at: inDays(2),
        seats: 4,
        price: '99.99',
      });
      await hold(seatIds[1]);
      await sell(seatIds[2]);

      const response = await get(`/performance_seats?concert_date_id=${performanceId}`);

      expect(response.status).toBe(200);
      const seat = (index: number, booked: boolean, status: string) => ({
        id: seatIds[index],
        concert_performance_id: performanceId,
        seat_number: index + 1,
        price: 99.99,
        booked,
        status,
      });
      expect(response.body).toEqual([
        seat(0, false, 'AVAILABLE'),
        seat(1, false, 'HELD'),
        seat(2, true, 'BOOKED'),
        seat(3, false, 'AVAILABLE'),
      ]);
    });

    it('orders by seat number, not by id', async () => {
      const concertId = await insertConcert(t.db);
      const [{ id: performanceId }] = await t.db.query(
        `INSERT INTO concert_performances (concert_id, performance_datetime, max_seats, price)
         VALUES ($1, $2, 3, 10) RETURNING id`,
        [concertId, inDays(1)],
      );
      await t.db.query(
        `WITH s AS (
           INSERT INTO performance_seats (concert_performance_id, seat_number, price)
           SELECT $1, n, 10 FROM unnest(ARRAY[3, 1, 2]) AS n RETURNING id
         ) INSERT INTO performance_seat_book_info (performance_seat_id) SELECT id FROM s`,
        [performanceId],
      );
      const response = await get(`/performance_seats?concert_date_id=${performanceId}`);
      expect(response.body.map((seat: { seat_number: number }) => seat.seat_number)).toEqual([
        1, 2, 3,
      ]);
    });

    it('shows a lapsed hold as AVAILABLE at once, before any job runs', async () => {
      const concertId = await insertConcert(t.db);
      const { performanceId, seatIds } = await insertPerformance(t.db, concertId, {
        at: inDays(2),
        seats: 1,
      });
      await hold(seatIds[0]);
      const status = async () =>
        (await get(`/performance_seats?concert_date_id=${performanceId}`)).body[0].status;
      expect(await status()).toBe('HELD');
      t.clock.advanceSeconds(HOLD_TTL - 1);
      expect(await status()).toBe('HELD');
      t.clock.advanceSeconds(1);
      expect(await status()).toBe('AVAILABLE');
    });

    it('lists the seats of a past performance too', async () => {
      const concertId = await insertConcert(t.db);
      const { performanceId } = await insertPerformance(t.db, concertId, {
        at: inDays(-3),
        seats: 2,
      });
      const response = await get(`/performance_seats?concert_date_id=${performanceId}`);
      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(2);
    });

    it('answers 404 Concert date not found', async () => {
      const response = await get('/performance_seats?concert_date_id=987654321');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Concert date not found' });
    });

    it.each([
      ['missing', '', 'concert_date_id is required'],
      ['abc', '?concert_date_id=abc', 'concert_date_id must be a positive integer'],
      ['0', '?concert_date_id=0', 'concert_date_id must be a positive integer'],
      ['1.5', '?concert_date_id=1.5', 'concert_date_id must be a positive integer'],
      ['only the other name', '?concert_id=1', 'concert_date_id is required'],
    ])('answers 400 naming concert_date_id when it is %s', async (_name, query, message) => {
      const response = await get(`/performance_seats${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message });
    });
  });

  describe('token', () => {
    const urls = [
      '/concerts',
      '/concert_performances?concert_id=1',
      '/performance_seats?concert_date_id=1',
    ];

    it.each(urls)(
      '%s answers 401 Token is invalid without a token or with an unknown one',
      async (url) => {
        for (const as of [undefined, newTokenValue(), 'garbage']) {
          const response = await call(t.app, 'GET', url, { token: as });
          expect(response.status).toBe(401);
          expect(response.body).toEqual({ message: 'Token is invalid' });
        }
      },
    );

    it.each(urls)('%s answers 401 Token is invalid to an expired token', async (url) => {
      const buyer = await insertBuyer(t.db, t.clock.now());
      await t.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE token = $1`, [
        buyer.token,
      ]);
      const response = await get(url, buyer.token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
    });

    // The guard is these routes' only check of the token (booking and payment check it again
    // in their transactions): a guard that let a token past its TTL through fails only here.
    it.each(urls)(
      '%s answers 401 Token is invalid to an IN_PROGRESS token from the instant its TTL ends',
      async (url) => {
        const start = t.clock.now();
        const ttl = await insertActiveToken(t.db, await insertUser(t.db), start, 60);
        const expiresAt = new Date(start.getTime() + 60_000);
        try {
          t.clock.set(new Date(expiresAt.getTime() - 1));
          expect((await get(url, ttl)).status).not.toBe(401);
          for (const at of [expiresAt, new Date(expiresAt.getTime() + 3_600_000)]) {
            t.clock.set(at);
            const response = await get(url, ttl);
            expect([response.status, response.body]).toEqual([
              401,
              { message: 'Token is invalid' },
            ]);
          }
        } finally {
          t.clock.set(start);
        }
      },
    );

    it.each(urls)('%s answers 403 Token is still in queue to a queued token', async (url) => {
      const queued = await insertQueuedToken(t.db, await insertUser(t.db), t.clock.now());
      const response = await get(url, queued);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'Token is still in queue' });
    });
  });
});

describe('admin catalog', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp();
    token = (await insertBuyer(t.db, t.clock.now())).token;
  });
  afterAll(async () => {
    await t.close();
  });

  const count = async (table: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS count FROM ${table}`))[0].count;

  async function totals(): Promise<number[]> {
    return [
      await count('concerts'),
      await count('concert_performances'),
      await count('performance_seats'),
      await count('performance_seat_book_info'),
    ];
  }

  describe('POST /admin/concerts', () => {
    it('creates a concert: 201 {id, name}, then listed by GET /concerts', async () => {
      const response = await call(t.app, 'POST', '/admin/concerts', {
        headers: admin,
        body: { name: 'Winter Symphony' },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.any(Number), name: 'Winter Symphony' });
      const listed = await call(t.app, 'GET', '/concerts', { token });
      expect(listed.body).toContainEqual(response.body);
    });

    it('accepts a name of exactly 200 characters', async () => {
      const name = 'x'.repeat(200);
      const response = await call(t.app, 'POST', '/admin/concerts', {
        headers: admin,
        body: { name },
      });
      expect(response.status).toBe(201);
      expect(response.body.name).toBe(name);
    });

    it.each([
      ['no name', {}, 'name is required'],
      ['a null name', { name: null }, 'name is required'],
      ['a blank name', { name: '   ' }, 'name must not be blank'],
      ['an empty name', { name: '' }, 'name must not be blank'],
      [
        'a name of 201 characters',
        { name: 'x'.repeat(201) },
        'name must be at most 200 characters long',
      ],
      ['a number', { name: 42 }, 'name must be a string'],
      ['unknown fields', { name: 'A', id: 3 }, 'property id should not exist'],
    ])('answers 400 for %s and writes nothing', async (_name, body, message) => {
      const before = await totals();
      const response = await call(t.app, 'POST', '/admin/concerts', { headers: admin, body });
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(message);
      expect(await totals()).toEqual(before);
    });

    it.each([
      ['no key', {}],
      ['a wrong key', { 'x-admin-key': 'wrong' }],
    ])('answers 401 Admin key is invalid with %s', async (_name, headers) => {
      const before = await totals();
      const response = await call(t.app, 'POST', '/admin/concerts', {
        headers,
        body: { name: 'Nope' },
      });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Admin key is invalid' });
      expect(await totals()).toEqual(before);
    });
  });

  describe('POST /admin/concerts/{id}/performances', () => {
    const valid = { performance_datetime: '2031-01-01T19:00:00Z', max_seats: 3, price: 10 };
    const create = (concertId: number | string, body: unknown, headers = admin) =>
      call(t.app, 'POST', `/admin/concerts/${concertId}/performances`, { headers, body });

    it('creates the performance with seats 1..max_seats and one book-info row each', async () => {
      const concertId = await insertConcert(t.db);
      const at = new Date(t.clock.now().getTime() + 30 * DAY);

      const response = await create(concertId, {
        performance_datetime: at.toISOString(),
        max_seats: 5,
        price: 75.5,
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        concert_id: concertId,
        max_seats: 5,
        available_seats: 5,
        price: 75.5,
        performance_datetime: at.toISOString(),
      });
      const seats = await t.db.query(
        `SELECT s.seat_number, s.price::text AS price, s.booked, s.user_id, i.token
           FROM performance_seats s JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
          WHERE s.concert_performance_id = $1 ORDER BY s.seat_number`,
        [response.body.id],
      );
      expect(seats).toEqual(
        [1, 2, 3, 4, 5].map((n) => ({
          seat_number: n,
          price: '75.50',
          booked: false,
          user_id: null,
          token: null,
        })),
      );
      const listed = await call(t.app, 'GET', `/concert_performances?concert_id=${concertId}`, {
        token,
      });
      expect(listed.body).toEqual([response.body]);
    });

    it('takes an offset time and answers it in UTC', async () => {
      const concertId = await insertConcert(t.db);
      const response = await create(concertId, {
        performance_datetime: '2031-05-01T20:30:00+09:00',
        max_seats: 1,
        price: 0,
      });
      expect(response.status).toBe(201);
      expect(response.body.performance_datetime).toBe('2031-05-01T11:30:00.000Z');
      expect(response.body.price).toBe(0);
    });

    it('creates the maximum of 10000 seats', async () => {
      const concertId = await insertConcert(t.db);
      const response = await create(concertId, {
        performance_datetime: '2031-01-01T19:00:00Z',
        max_seats: 10_000,
        price: 10_000_000,
      });
      expect(response.status).toBe(201);
      expect(response.body.price).toBe(10_000_000);
      const [{ seats, infos, last }] = await t.db.query(
        `SELECT count(*)::int AS seats, count(i.id)::int AS infos, max(s.seat_number) AS last
           FROM performance_seats s
           LEFT JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
          WHERE s.concert_performance_id = $1`,
        [response.body.id],
      );
      expect({ seats, infos, last }).toEqual({ seats: 10_000, infos: 10_000, last: 10_000 });
    });

    it('keeps each of 10 concurrent creations whole', async () => {
      const concertId = await insertConcert(t.db);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          create(concertId, {
            performance_datetime: `2032-01-${String(i + 1).padStart(2, '0')}T19:00:00Z`,
            max_seats: 50,
            price: 10,
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
      const rows = await t.db.query(
        `SELECT p.id, count(s.id)::int AS seats, count(DISTINCT s.seat_number)::int AS numbers
           FROM concert_performances p JOIN performance_seats s ON s.concert_performance_id = p.id
          WHERE p.concert_id = $1 GROUP BY p.id`,
        [concertId],
      );
      expect(rows).toHaveLength(10);
      for (const row of rows) expect([row.seats, row.numbers]).toEqual([50, 50]);
    });

    it('writes nothing at all when creating the seats fails midway (one transaction)', async () => {
      // An induced failure on the seats' insert, after the performance row was inserted.
      await t.db.query(`
        CREATE FUNCTION fail_seat_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.price = 13.13 THEN RAISE EXCEPTION 'induced failure'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER fail_seat_insert BEFORE INSERT ON performance_seats
          FOR EACH ROW EXECUTE FUNCTION fail_seat_insert();`);
      // TypeORM logs the failed query; the failure is the point here.
      const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        const concertId = await insertConcert(t.db);
        const before = await totals();
        const response = await create(concertId, { ...valid, price: 13.13 });
        expect(response.status).toBe(500);
        expect(await totals()).toEqual(before);
      } finally {
        quiet.mockRestore();
        await t.db.query(`
          DROP TRIGGER fail_seat_insert ON performance_seats;
          DROP FUNCTION fail_seat_insert();`);
      }
    });

    it('answers 404 Concert not found and writes nothing', async () => {
      const before = await totals();
      const response = await create(987_654_321, {
        performance_datetime: '2031-01-01T19:00:00Z',
        max_seats: 3,
        price: 1,
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'Concert not found' });
      expect(await totals()).toEqual(before);
    });

    it.each([
      ['no body', undefined, 'performance_datetime is required'],
      [
        'no performance_datetime',
        { ...valid, performance_datetime: undefined },
        'performance_datetime is required',
      ],
      [
        'a date without a time zone',
        { ...valid, performance_datetime: '2031-01-01T19:00:00' },
        'performance_datetime must be an ISO 8601 date-time with a time zone',
      ],
      [
        'a date only',
        { ...valid, performance_datetime: '2031-01-01' },
        'performance_datetime must be an ISO 8601 date-time with a time zone',
      ],
      [
        'a non-date',
        { ...valid, performance_datetime: 'tomorrow' },
        'performance_datetime must be an ISO 8601 date-time with a time zone',
      ],
      [
        'an impossible date',
        { ...valid, performance_datetime: '2031-13-45T99:00:00Z' },
        'performance_datetime must be a valid date-time',
      ],
      [
        'February 30th',
        { ...valid, performance_datetime: '2031-02-30T19:00:00Z' },
        'performance_datetime must be a valid date-time',
      ],
      [
        'a numeric date',
        { ...valid, performance_datetime: 1700000000000 },
        'performance_datetime must be an ISO 8601 date-time string',
      ],
      ['no max_seats', { ...valid, max_seats: undefined }, 'max_seats is required'],
      ['max_seats 0', { ...valid, max_seats: 0 }, 'max_seats must be at least 1'],
      [
        'max_seats 10001',
        { ...valid, max_seats: 10_001 },
        'max_seats must not be greater than 10000',
      ],
      ['max_seats 1.5', { ...valid, max_seats: 1.5 }, 'max_seats must be an integer'],
      ['max_seats "5"', { ...valid, max_seats: '5' }, 'max_seats must be an integer'],
      ['no price', { ...valid, price: undefined }, 'price is required'],
      ['a negative price', { ...valid, price: -1 }, 'price must not be negative'],
      [
        'a price with 3 decimals',
        { ...valid, price: 1.005 },
        'price must have at most 2 decimal places',
      ],
      [
        'a price above 10,000,000',
        { ...valid, price: 10_000_000.01 },
        'price must not be greater than 10000000',
      ],
      ['a price as a string', { ...valid, price: '10' }, 'price must be a number'],
      ['unknown fields', { ...valid, concert_id: 1 }, 'property concert_id should not exist'],
    ])('answers 400 for %s and writes nothing', async (_name, body, message) => {
      const concertId = await insertConcert(t.db);
      const before = await totals();
      const response = await create(concertId, body);
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(['message']);
      expect(response.body.message).toContain(message);
      expect(await totals()).toEqual(before);
    });

    it.each(['abc', '0', '1.5'])('answers 400 naming id for the concert id %s', async (id) => {
      const before = await totals();
      const response = await create(id, valid);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'id must be a positive integer' });
      expect(await totals()).toEqual(before);
    });

    it('answers 401 Admin key is invalid and writes nothing', async () => {
      const concertId = await insertConcert(t.db);
      const before = await totals();
      const response = await create(concertId, valid, { 'x-admin-key': 'wrong' });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Admin key is invalid' });
      expect(await totals()).toEqual(before);
    });
  });
});

describe('catalog and booking in Swagger', () => {
  let t: TestApp;
  let document: any;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await call(t.app, 'GET', '/docs-json')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  const statuses = (path: string, method: string) =>
    Object.keys(document.paths[path][method].responses).sort();

  it.each([
    ['/concerts', 'get', ['200', '401', '403']],
    ['/concert_performances', 'get', ['200', '400', '401', '403', '404']],
    ['/performance_seats', 'get', ['200', '400', '401', '403', '404']],
    ['/performance_seats/{id}/book', 'post', ['201', '400', '401', '403', '404', '409']],
  ])('%s %s declares the queue token and every answer with an example', (path, method, codes) => {
    const operation = document.paths[path][method];
    expect(operation.security).toEqual([{ 'queue-token': [] }]);
    expect(statuses(path, method)).toEqual(codes);
    for (const code of codes) {
      const content = operation.responses[code].content['application/json'];
      expect(content.example ?? content.examples).toBeDefined();
    }
  });

  it('documents the required id query parameters', () => {
    const param = (path: string) => document.paths[path].get.parameters[0];
    expect(param('/concert_performances')).toMatchObject({
      name: 'concert_id',
      in: 'query',
      required: true,
    });
    expect(param('/performance_seats')).toMatchObject({
      name: 'concert_date_id',
      in: 'query',
      required: true,
    });
  });

  it.each([
    ['/admin/concerts', ['201', '400', '401']],
    ['/admin/concerts/{id}/performances', ['201', '400', '401', '404']],
  ])('%s declares the admin key and its answers', (path, codes) => {
    expect(document.paths[path].post.security).toEqual([{ 'admin-key': [] }]);
    expect(statuses(path, 'post')).toEqual(codes);
    for (const code of codes) {
      const content = document.paths[path].post.responses[code].content['application/json'];
      expect(content.example ?? content.examples).toBeDefined();
    }
    expect(document.paths[path].post.requestBody).toBeDefined();
  });
});
