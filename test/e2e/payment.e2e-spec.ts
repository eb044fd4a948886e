import { DataSource } from 'typeorm';
import { CHECKOUT_SQL } from '@app/payment/adapter/out/persistence/typeorm-checkout.repository';
import { ReleaseLapsedHoldsUseCase } from '@app/booking';
import { AuthorizeQueueTokenUseCase } from '@app/queue';
import { statementsSentDuring } from '../support/statement-spy';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import {
  insertActiveToken,
  insertBuyer,
  insertConcert,
  insertPerformance,
  insertQueuedToken,
  insertUser,
  newTokenValue,
  insertHold,
} from '../support/fixtures';

/** Everything a payment may touch, for one buyer, seat and token. */
async function stateOf(db: DataSource, userId: string, seatId: number, token: string) {
  const [row] = await db.query(
    `SELECT (SELECT balance::text FROM users WHERE id = $1) AS balance,
            (SELECT coalesce(sum(amount), 0)::text FROM balance_ledger WHERE user_id = $1)
              AS ledger_sum,
            (SELECT count(*)::int FROM balance_ledger WHERE user_id = $1) AS ledger_rows,
            (SELECT count(*)::int FROM payments WHERE user_id = $1 OR token = $3
                OR performance_seat_id = $2) AS payments,
            (SELECT row_to_json(s) FROM (SELECT booked, user_id FROM performance_seats
               WHERE id = $2) s) AS seat,
            (SELECT row_to_json(i) FROM (SELECT token, user_id, book_attempt_at, expires_at,
               book_success_at FROM performance_seat_book_info WHERE performance_seat_id = $2) i)
              AS hold,
            (SELECT row_to_json(q) FROM (SELECT status, expires_at, expired_at
               FROM user_queue_tokens WHERE token = $3) q) AS token`,
    [userId, seatId, token],
  );
  return row;
}

describe('POST /performance_seats/{id}/pay', () => {
  let t: TestApp;
  let concertId: number;

  beforeAll(async () => {
    t = await createTestApp();
    concertId = await insertConcert(t.db, 'Payment Concert');
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh performance in a month, each seat at `price`. */
  async function newSeats(count = 3, price = '120.50') {
    return insertPerformance(t.db, concertId, {
      at: new Date(t.clock.now().getTime() + 30 * 24 * 3600 * 1000),
      seats: count,
      price,
    });
  }

  /** A buyer with a balance, an active token and a live hold on a new seat. */
  async function buyerHolding(balance = '500.00', price = '120.50') {
    const { performanceId, seatIds } = await newSeats(3, price);
    const buyer = await insertBuyer(t.db, t.clock.now(), balance);
    const seatId = seatIds[1];
    const holdExpiresAt = await insertHold(t.db, seatId, buyer, t.clock.now());
    return { ...buyer, seatId, performanceId, holdExpiresAt };
  }

  const pay = (seatId: number | string, token?: string) =>
    call(t.app, 'POST', `/performance_seats/${seatId}/pay`, { token });
  const book = (seatId: number, token: string) =>
    call(t.app, 'POST', `/performance_seats/${seatId}/book`, { token });

  describe('200', () => {
    it('answers the seat and applies every effect in the database', async () => {
      const buyer = await buyerHolding('500.00', '120.50');
      const now = t.clock.now();

      const response = await pay(buyer.seatId, buyer.token);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: buyer.seatId,
        concert_performance_id: buyer.performanceId,
        seat_number: 2,
        user_id: buyer.userId,
        booked: true,
      });
      const state = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
      expect(state).toEqual({
        balance: '379.50',
        ledger_sum: '379.50',
        ledger_rows: 2,
        payments: 1,
        seat: { booked: true, user_id: buyer.userId },
        hold: {
          // The hold's token, user and expiry stay as they were at payment.
          token: buyer.token,
          user_id: buyer.userId,
          book_attempt_at: expect.any(String),
          expires_at: expect.any(String),
          book_success_at: expect.any(String),
        },
        token: {
          status: 'EXPIRED',
          expires_at: expect.any(String),
          expired_at: expect.any(String),
        },
      });
      expect(new Date(state.hold.book_success_at)).toEqual(now);
      expect(new Date(state.hold.expires_at)).toEqual(buyer.holdExpiresAt);
      expect(new Date(state.token.expired_at)).toEqual(now);

      const [payment] = await t.db.query(
        `SELECT user_id, performance_seat_id::int AS seat_id, token, amount::text AS amount, paid_at, id
           FROM payments WHERE token = $1`,
        [buyer.token],
      );
      expect(payment).toMatchObject({
        user_id: buyer.userId,
        seat_id: buyer.seatId,
        token: buyer.token,
        amount: '120.50',
        paid_at: now,
      });
      const ledger = await t.db.query(
        `SELECT kind, amount::text AS amount, payment_id FROM balance_ledger
          WHERE user_id = $1 AND kind = 'PAYMENT'`,
        [buyer.userId],
      );
      expect(ledger).toEqual([{ kind: 'PAYMENT', amount: '-120.50', payment_id: payment.id }]);
    });

    it('lists the paid seat on GET /users/{user_id} with its performance and concert', async () => {
      const buyer = await buyerHolding();
      expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);

      const response = await call(t.app, 'GET', `/users/${buyer.userId}`);

      expect(response.status).toBe(200);
      expect(response.body.balance).toBe(379.5);
      const [performance] = await t.db.query(
        'SELECT performance_datetime FROM concert_performances WHERE id = $1',
        [buyer.performanceId],
      );
      expect(response.body.booked_performance_seats).toEqual([
        {
          id: buyer.seatId,
          seat_number: 2,
          book_success_at: t.clock.now().toISOString(),
          concert_performance: {
            id: buyer.performanceId,
            performance_datetime: performance.performance_datetime.toISOString(),
            concert: { id: concertId, name: 'Payment Concert' },
          },
        },
      ]);
    });

    it('spends a balance of exactly the price down to 0', async () => {
      const buyer = await buyerHolding('120.50', '120.50');
      expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);
      const state = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
      expect([state.balance, state.ledger_sum]).toEqual(['0.00', '0.00']);
    });

    it('pays one millisecond before the hold lapses', async () => {
      const buyer = await buyerHolding();
      t.clock.set(new Date(buyer.holdExpiresAt.getTime() - 1));
      try {
        expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);
      } finally {
        t.clock.set(new Date());
      }
    });
  });

  describe('idempotency', () => {
    it('answers a retry with the same body, although the token is EXPIRED, and charges nothing', async () => {
      const buyer = await buyerHolding();
      const first = await pay(buyer.seatId, buyer.token);
      expect(first.status).toBe(200);
      const after = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
      expect(after.token.status).toBe('EXPIRED');

      const retry = await pay(buyer.seatId, buyer.token);

      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token)).toEqual(after);
    });

    it('still answers the retry long after the hold and the token TTL have passed', async () => {
      const buyer = await buyerHolding();
      const first = await pay(buyer.seatId, buyer.token);
      const after = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
      t.clock.advanceSeconds(3600);
      try {
        const retry = await pay(buyer.seatId, buyer.token);
        expect(retry.status).toBe(200);
        expect(retry.body).toEqual(first.body);
        expect(await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token)).toEqual(after);
      } finally {
        t.clock.set(new Date());
      }
    });

    it('answers 401 Token is invalid when the paid token tries another seat, changing nothing', async () => {
      const buyer = await buyerHolding();
      expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);
      const other = buyer.seatId + 1;
      const before = await stateOf(t.db, buyer.userId, other, buyer.token);

      const response = await pay(other, buyer.token);

      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
      expect(await stateOf(t.db, buyer.userId, other, buyer.token)).toEqual(before);
    });

    it('answers 401 Token is invalid when the paid token tries a seat that does not exist', async () => {
      const buyer = await buyerHolding();
      expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);
      const response = await pay(999_999_999, buyer.token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
    });

    it("refuses the paid token on another seat without waiting for that seat's row locks", async () => {
      const buyer = await buyerHolding();
      expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);
      const other = buyer.seatId + 1;
      // Someone else's payment is in the middle of its transaction on the other seat.
      const busy = t.db.createQueryRunner();
      await busy.connect();
      try {
        await busy.startTransaction();
        await busy.query(
          'SELECT 1 FROM performance_seat_book_info WHERE performance_seat_id = $1 FOR UPDATE',
          [other],
        );
        const response = await Promise.race([
          pay(other, buyer.token),
          new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 2000)),
        ]);
        expect(response).not.toBe('blocked');
        expect(response).toMatchObject({ status: 401, body: { message: 'Token is invalid' } });
      } finally {
        await busy.rollbackTransaction();
        await busy.release();
      }
    });

    it('ends the queue session: the paid token is refused where an active token is needed', async () => {
      const buyer = await buyerHolding();
      const authorize = t.app.get(AuthorizeQueueTokenUseCase);
      await expect(authorize.execute(buyer.token, 'ACTIVE')).resolves.toMatchObject({
        status: 'IN_PROGRESS',
      });
      expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);

      await expect(authorize.execute(buyer.token, 'ACTIVE')).rejects.toThrow('Token is invalid');
      await expect(authorize.execute(buyer.token, 'ANY')).resolves.toMatchObject({
        status: 'EXPIRED',
      });
    });
  });

  describe('400 Queue expired', () => {
    it('when the hold is past its TTL, not yet released: nothing is charged', async () => {
      const buyer = await buyerHolding();
      t.clock.set(buyer.holdExpiresAt);
      try {
        const before = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
        const response = await pay(buyer.seatId, buyer.token);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ message: 'Queue expired' });
        expect(await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token)).toEqual(before);
        expect(before.token.status).toBe('IN_PROGRESS');
      } finally {
        t.clock.set(new Date());
      }
    });

    it('when the lapsed hold was released by the job', async () => {
      const buyer = await buyerHolding();
      t.clock.set(new Date(buyer.holdExpiresAt.getTime() + 1000));
      try {
        // The production job's work, at the app's clock.
        expect(await t.app.get(ReleaseLapsedHoldsUseCase).execute()).toBeGreaterThanOrEqual(1);
        const before = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
        expect(before.hold.token).toBeNull();
        const response = await pay(buyer.seatId, buyer.token);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ message: 'Queue expired' });
        expect(await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token)).toEqual(before);
      } finally {
        t.clock.set(new Date());
      }
    });

    it('when the hold was renewed (ALREADY_HELD) and then released', async () => {
      const { seatIds } = await newSeats();
      const buyer = await insertBuyer(t.db, t.clock.now());
      expect((await book(seatIds[0], buyer.token)).status).toBe(201);
      t.clock.advanceSeconds(10);
      expect((await book(seatIds[0], buyer.token)).status).toBe(201); // renewed
      t.clock.advanceSeconds(301);
      try {
        expect(await t.app.get(ReleaseLapsedHoldsUseCase).execute()).toBeGreaterThanOrEqual(1);
        const response = await pay(seatIds[0], buyer.token);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ message: 'Queue expired' });
      } finally {
        t.clock.set(new Date());
      }
    });
  });

  describe('400 Seat is not held by this token', () => {
    it('on a free seat this token never held: nothing changes', async () => {
      const { seatIds } = await newSeats();
      const buyer = await insertBuyer(t.db, t.clock.now());
      const before = await stateOf(t.db, buyer.userId, seatIds[0], buyer.token);
      const response = await pay(seatIds[0], buyer.token);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Seat is not held by this token' });
      expect(await stateOf(t.db, buyer.userId, seatIds[0], buyer.token)).toEqual(before);
    });

    it("on another token's lapsed hold, when this token only lost a booking attempt", async () => {
      const { seatIds } = await newSeats();
      const other = await insertBuyer(t.db, t.clock.now());
      const buyer = await insertBuyer(t.db, t.clock.now());
      expect((await book(seatIds[0], other.token)).status).toBe(201);
      expect((await book(seatIds[0], buyer.token)).status).toBe(409);
      t.clock.advanceSeconds(301);
      try {
        const response = await pay(seatIds[0], buyer.token);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ message: 'Seat is not held by this token' });
      } finally {
        t.clock.set(new Date());
      }
    });
  });

  describe('400 Performance has already started', () => {
    /** A buyer holding a seat of a performance that starts in a minute (the hold outlives it). */
    async function buyerHoldingBeforeStart() {
      const startsAt = new Date(t.clock.now().getTime() + 60_000);
      const { seatIds } = await insertPerformance(t.db, concertId, {
        at: startsAt,
        seats: 2,
        price: '120.50',
      });
      const buyer = await insertBuyer(t.db, t.clock.now(), '500.00');
      const holdExpiresAt = await insertHold(t.db, seatIds[0], buyer, t.clock.now());
      return { ...buyer, seatId: seatIds[0], startsAt, holdExpiresAt };
    }

    afterEach(() => t.clock.set(new Date()));

    it('for a hold taken before the start and paid after it: nothing changes', async () => {
      const buyer = await buyerHoldingBeforeStart();
      t.clock.advanceSeconds(61);
      expect(t.clock.now().getTime()).toBeLessThan(buyer.holdExpiresAt.getTime());
      const before = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);

      const response = await pay(buyer.seatId, buyer.token);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Performance has already started' });
      const after = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
      expect(after).toEqual(before);
      expect(after).toMatchObject({
        balance: '500.00',
        payments: 0,
        seat: { booked: false, user_id: null },
        hold: { token: buyer.token, book_success_at: null },
        token: { status: 'IN_PROGRESS', expired_at: null },
      });
    });

    it('at the very instant the performance starts', async () => {
      const buyer = await buyerHoldingBeforeStart();
      t.clock.set(buyer.startsAt);
      const response = await pay(buyer.seatId, buyer.token);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'Performance has already started' });
    });

    it('still answers the retry of a payment made before the start with its 200', async () => {
      const buyer = await buyerHoldingBeforeStart();
      const first = await pay(buyer.seatId, buyer.token);
      expect(first.status).toBe(200);
      t.clock.advanceSeconds(61);
      const retry = await pay(buyer.seatId, buyer.token);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
    });
  });

  it('answers 400 Seat is already booked when someone else paid for it', async () => {
    const first = await buyerHolding();
    expect((await pay(first.seatId, first.token)).status).toBe(200);
    const second = await insertBuyer(t.db, t.clock.now());
    const before = await stateOf(t.db, second.userId, first.seatId, second.token);

    const response = await pay(first.seatId, second.token);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Seat is already booked' });
    expect(await stateOf(t.db, second.userId, first.seatId, second.token)).toEqual(before);
  });

  it('answers 403 Insufficient balance and changes nothing: balance, ledger, seat, hold, token', async () => {
    const buyer = await buyerHolding('120.49', '120.50');
    const before = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);

    const response = await pay(buyer.seatId, buyer.token);

    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: 'Insufficient balance' });
    const after = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
    expect(after).toEqual(before);
    expect(after).toMatchObject({
      balance: '120.49',
      payments: 0,
      seat: { booked: false, user_id: null },
      hold: { token: buyer.token, book_success_at: null },
      token: { status: 'IN_PROGRESS', expired_at: null },
    });

    // The hold stays: after a top-up the same token pays.
    await call(t.app, 'POST', `/users/${buyer.userId}/charge`, { body: { amount: 0.01 } });
    expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);
  });

  it('answers 404 Performance seat not found', async () => {
    const buyer = await insertBuyer(t.db, t.clock.now());
    const response = await pay(987654321, buyer.token);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Performance seat not found' });
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999999999999'])(
    'answers 400 naming id for the malformed id %s and writes nothing',
    async (id) => {
      const buyer = await buyerHolding();
      const before = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
      const response = await pay(encodeURIComponent(id), buyer.token);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'id must be a positive integer' });
      expect(await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token)).toEqual(before);
    },
  );

  it('answers 409 Other user is booking the seat while another token holds it, live', async () => {
    const holder = await buyerHolding();
    const buyer = await insertBuyer(t.db, t.clock.now());
    const before = await stateOf(t.db, buyer.userId, holder.seatId, buyer.token);

    const response = await pay(holder.seatId, buyer.token);

    expect(response.status).toBe(409);
    expect(response.body).toEqual({ message: 'Other user is booking the seat' });
    expect(await stateOf(t.db, buyer.userId, holder.seatId, buyer.token)).toEqual(before);
    expect((await pay(holder.seatId, holder.token)).status).toBe(200);
  });

  describe('the queue token', () => {
    it.each([
      ['no header', undefined],
      ['an unknown token', newTokenValue()],
      ['a malformed token', 'not-a-token'],
    ])('answers 401 Token is invalid with %s', async (_name, token) => {
      const buyer = await buyerHolding();
      const response = await pay(buyer.seatId, token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
    });

    it('answers 401 Token is invalid to an EXPIRED token that has not paid', async () => {
      const buyer = await buyerHolding();
      await t.db.query(
        `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2 WHERE token = $1`,
        [buyer.token, t.clock.now()],
      );
      const before = await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token);
      const response = await pay(buyer.seatId, buyer.token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
      expect(await stateOf(t.db, buyer.userId, buyer.seatId, buyer.token)).toEqual(before);
    });

    it('answers 401 Token is invalid to an IN_PROGRESS token past its TTL', async () => {
      const { seatIds } = await newSeats();
      const userId = await insertUser(t.db, '500.00');
      const issuedAt = new Date(t.clock.now().getTime() - 601_000);
      const token = await insertActiveToken(t.db, userId, issuedAt, 600);
      await insertHold(t.db, seatIds[0], { userId, token }, t.clock.now());
      const response = await pay(seatIds[0], token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
      expect((await stateOf(t.db, userId, seatIds[0], token)).balance).toBe('500.00');
    });

    it('answers for the token before the seat', async () => {
      const { seatIds } = await newSeats();
      const unknown = await pay(seatIds[0] + 1_000_000, newTokenValue());
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual({ message: 'Token is invalid' });
      const queued = await insertQueuedToken(t.db, await insertUser(t.db, '500.00'), t.clock.now());
      for (const seat of [seatIds[0], seatIds[0] + 1_000_000]) {
        const response = await pay(seat, queued);
        expect(response.status).toBe(403);
        expect(response.body).toEqual({ message: 'Token is still in queue' });
      }
    });

    it('pays in one statement, the request’s only round trip to the database', async () => {
      const buyer = await buyerHolding();
      const sent = await statementsSentDuring(async () => {
        expect((await pay(buyer.seatId, buyer.token)).status).toBe(200);
      });
      expect(sent).toEqual([CHECKOUT_SQL]);
    });

    it('answers 403 Token is still in queue to a queued token', async () => {
      const { seatIds } = await newSeats();
      const userId = await insertUser(t.db, '500.00');
      const token = await insertQueuedToken(t.db, userId, t.clock.now());
      const response = await pay(seatIds[0], token);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'Token is still in queue' });
    });
  });

  it('is documented in Swagger with every answer and the queue-token scheme', async () => {
    const response = await call(t.app, 'GET', '/docs-json');
    const operation = response.body.paths['/performance_seats/{id}/pay'].post;
    expect(operation.security).toEqual([{ 'queue-token': [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
    ]);
    const examples = (status: string) => {
      const content = operation.responses[status].content['application/json'];
      return content.examples
        ? Object.values(content.examples).map((e: any) => e.value)
        : [content.example];
    };
    expect(examples('200')[0]).toMatchObject({ booked: true });
    expect(examples('400')).toEqual(
      expect.arrayContaining([
        { message: 'Queue expired' },
        { message: 'Seat is not held by this token' },
        { message: 'Seat is already booked' },
      ]),
    );
    expect(examples('401')).toEqual([{ message: 'Token is invalid' }]);
    expect(examples('403')).toEqual(
      expect.arrayContaining([
        { message: 'Insufficient balance' },
        { message: 'Token is still in queue' },
      ]),
    );
    expect(examples('404')).toEqual([{ message: 'Performance seat not found' }]);
    expect(examples('409')).toEqual([{ message: 'Other user is booking the seat' }]);
  });
});
