import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertBuyer, insertConcert, insertHold, insertPerformance } from '../support/fixtures';

const HOLD_TTL_SECONDS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The job's release of lapsed holds, as the schema defines it. */
async function releaseLapsedHolds(db: DataSource, seatId: number, now: Date): Promise<number> {
  const [rows] = await db.query(
    `UPDATE performance_seat_book_info
        SET token = NULL, user_id = NULL, book_attempt_at = NULL, expires_at = NULL
      WHERE performance_seat_id = $1 AND token IS NOT NULL AND book_success_at IS NULL
        AND expires_at <= $2
      RETURNING id`,
    [seatId, now],
  );
  return rows.length;
}

/** Another user's booking as one conditional statement: it wins a free or lapsed seat. */
async function bookAsOther(
  db: DataSource,
  seatId: number,
  other: { userId: string; token: string },
  now: Date,
): Promise<boolean> {
  const [rows] = await db.query(
    `UPDATE performance_seat_book_info
        SET token = $2, user_id = $3, book_attempt_at = $4, expires_at = $5
      WHERE performance_seat_id = $1 AND book_success_at IS NULL
        AND (token IS NULL OR expires_at <= $4)
      RETURNING id`,
    [seatId, other.token, other.userId, now, new Date(now.getTime() + HOLD_TTL_SECONDS * 1000)],
  );
  return rows.length === 1;
}

async function ledgerOf(db: DataSource, userId: string) {
  const [row] = await db.query(
    `SELECT (SELECT balance::text FROM users WHERE id = $1) AS balance,
            (SELECT coalesce(sum(amount), 0)::numeric(14, 2)::text FROM balance_ledger
              WHERE user_id = $1) AS ledger_sum,
            (SELECT count(*)::int FROM balance_ledger WHERE user_id = $1 AND kind = 'PAYMENT')
              AS payment_rows,
            (SELECT count(*)::int FROM payments WHERE user_id = $1) AS payments`,
    [userId],
  );
  return row;
}

describe('payment under concurrency', () => {
  let t: TestApp;
  let concertId: number;

  beforeAll(async () => {
    t = await createTestApp();
    concertId = await insertConcert(t.db, 'Race Concert');
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => t.clock.set(new Date()));

  async function newSeats(count: number, price = '100.00'): Promise<number[]> {
    const { seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(t.clock.now().getTime() + 30 * 24 * 3600 * 1000),
      seats: count,
      price,
    });
    return seatIds;
  }

  async function buyerHolding(balance = '500.00', price = '100.00') {
    const [seatId] = await newSeats(1, price);
    const buyer = await insertBuyer(t.db, t.clock.now(), balance);
    const holdExpiresAt = await insertHold(t.db, seatId, buyer, t.clock.now());
    return { ...buyer, seatId, holdExpiresAt };
  }

  const pay = (app: TestApp, seatId: number, token: string) =>
    call(app.app, 'POST', `/performance_seats/${seatId}/pay`, { token });

  it('ten concurrent pays with one token charge once, and all ten answer the same 200', async () => {
    const buyer = await buyerHolding('500.00', '100.00');

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => pay(t, buyer.seatId, buyer.token)),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const response of responses) expect(response.body).toEqual(responses[0].body);
    expect(responses[0].body).toMatchObject({ id: buyer.seatId, user_id: buyer.userId });
    expect(await ledgerOf(t.db, buyer.userId)).toEqual({
      balance: '400.00',
      ledger_sum: '400.00',
      payment_rows: 1,
      payments: 1,
    });
    const [token] = await t.db.query('SELECT status FROM user_queue_tokens WHERE token = $1', [
      buyer.token,
    ]);
    expect(token.status).toBe('EXPIRED');
  });

  it('ten concurrent retries of a payment that succeeded all answer its 200, charging nothing more', async () => {
    const buyer = await buyerHolding('500.00', '100.00');
    const first = await pay(t, buyer.seatId, buyer.token);
    expect(first.status).toBe(200);

    const retries = await Promise.all(
      Array.from({ length: 10 }, () => pay(t, buyer.seatId, buyer.token)),
    );

    expect(retries.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const retry of retries) expect(retry.body).toEqual(first.body);
    expect(await ledgerOf(t.db, buyer.userId)).toEqual({
      balance: '400.00',
      ledger_sum: '400.00',
      payment_rows: 1,
      payments: 1,
    });
  });

  it('one token paying for two seats at once pays for one of them only', async () => {
    const seatIds = await newSeats(2);
    const buyer = await insertBuyer(t.db, t.clock.now(), '500.00');
    // Booking never lets a user hold two seats; the payment's unique token is the backstop.
    await insertHold(t.db, seatIds[0], buyer, t.clock.now());
    await insertHold(t.db, seatIds[1], buyer, t.clock.now());

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => pay(t, seatIds[i % 2], buyer.token)),
    );

    const paidSeat = responses.find((r) => r.status === 200)!.body.id;
    for (const [i, response] of responses.entries()) {
      if (seatIds[i % 2] === paidSeat) {
        expect(response.status).toBe(200);
      } else {
        // Whether it saw the winner's payment before or after its own seat lock: the token
        // is spent, and a spent token is invalid everywhere but on its own payment's retry.
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ message: 'Token is invalid' });
      }
    }
    expect(await ledgerOf(t.db, buyer.userId)).toMatchObject({
      balance: '400.00',
      ledger_sum: '400.00',
      payments: 1,
    });
    const [{ booked }] = await t.db.query(
      'SELECT count(*)::int AS booked FROM performance_seats WHERE id = ANY($1) AND booked',
      [seatIds],
    );
    expect(booked).toBe(1);
  });

  it('a payment racing the lapse of its hold is paid with the hold or refused with nothing charged', async () => {
    const outcomes: Record<string, number> = {};
    for (let trial = 0; trial < 18; trial += 1) {
      const buyer = await buyerHolding('500.00', '100.00');
      const other = await insertBuyer(t.db, t.clock.now(), '500.00');
      // The app sees the hold live by 1 ms; the release and the rival booking see it lapsed.
      t.clock.set(new Date(buyer.holdExpiresAt.getTime() - 1));
      // Staggered starts, so that each side wins some of the trials.
      const head = (trial % 6) * 4;
      const [response, released, otherWon] = await Promise.all([
        pay(t, buyer.seatId, buyer.token),
        sleep(head).then(() => releaseLapsedHolds(t.db, buyer.seatId, buyer.holdExpiresAt)),
        sleep(head).then(() => bookAsOther(t.db, buyer.seatId, other, buyer.holdExpiresAt)),
      ]);
      t.clock.set(new Date());

      const [seat] = await t.db.query(
        `SELECT s.booked, s.user_id, i.token, i.book_success_at
           FROM performance_seats s JOIN performance_seat_book_info i
             ON i.performance_seat_id = s.id WHERE s.id = $1`,
        [buyer.seatId],
      );
      const money = await ledgerOf(t.db, buyer.userId);
      expect(money.balance).toBe(money.ledger_sum);
      if (response.status === 200) {
        // Paid with its own hold: nobody released or took the seat afterwards.
        expect(released).toBe(0);
        expect(otherWon).toBe(false);
        expect(seat).toMatchObject({ booked: true, user_id: buyer.userId, token: buyer.token });
        expect(money).toMatchObject({ balance: '400.00', payments: 1 });
      } else {
        // Refused: nothing charged, nothing sold, and the answer says why.
        expect(seat).toMatchObject({ booked: false, user_id: null, book_success_at: null });
        expect(money).toMatchObject({ balance: '500.00', payments: 0, payment_rows: 0 });
        if (seat.token === other.token) {
          expect(otherWon).toBe(true);
          expect([400, 409]).toContain(response.status);
        } else {
          expect(response.status).toBe(400);
        }
        expect(
          response.status === 409
            ? 'Other user is booking the seat'
            : response.status === 400
              ? 'Queue expired'
              : 'unexpected',
        ).toBe(response.body.message);
      }
      outcomes[response.status] = (outcomes[response.status] ?? 0) + 1;
    }
    // Never a seat sold while another user holds it: every booked seat carries its buyer.
    const [{ wrong }] = await t.db.query(
      `SELECT count(*)::int AS wrong FROM performance_seats s
         JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
        WHERE s.booked AND (i.user_id IS DISTINCT FROM s.user_id OR i.book_success_at IS NULL)`,
    );
    expect(wrong).toBe(0);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(18);
  });

  it('answers Queue expired when the release commits first, and 409 when a rival re-booked', async () => {
    const released = await buyerHolding();
    await releaseLapsedHolds(t.db, released.seatId, released.holdExpiresAt);
    t.clock.set(new Date(released.holdExpiresAt.getTime() - 1));
    const first = await pay(t, released.seatId, released.token);
    expect([first.status, first.body]).toEqual([400, { message: 'Queue expired' }]);

    const retaken = await buyerHolding();
    const rival = await insertBuyer(t.db, t.clock.now());
    t.clock.set(new Date());
    expect(await bookAsOther(t.db, retaken.seatId, rival, retaken.holdExpiresAt)).toBe(true);
    t.clock.set(new Date(retaken.holdExpiresAt.getTime() + 1000));
    const second = await pay(t, retaken.seatId, retaken.token);
    expect([second.status, second.body]).toEqual([
      409,
      { message: 'Other user is booking the seat' },
    ]);
    expect((await ledgerOf(t.db, retaken.userId)).balance).toBe('500.00');
  });

  it('a payment racing charges on the same user loses no update: balance == ledger sum', async () => {
    const buyer = await buyerHolding('100.00', '100.00');

    const [payment, ...charges] = await Promise.all([
      pay(t, buyer.seatId, buyer.token),
      ...Array.from({ length: 20 }, () =>
        call(t.app, 'POST', `/users/${buyer.userId}/charge`, { body: { amount: 1.25 } }),
      ),
    ]);

    expect(payment.status).toBe(200);
    expect(charges.map((c) => c.status)).toEqual(Array(20).fill(200));
    // 100.00 + 20 × 1.25 - 100.00
    expect(await ledgerOf(t.db, buyer.userId)).toEqual({
      balance: '25.00',
      ledger_sum: '25.00',
      payment_rows: 1,
      payments: 1,
    });
  });

  it('50 users paying for their own seats at once while charging: no lost update', async () => {
    const seatIds = await newSeats(50, '80.00');
    const buyers = await Promise.all(
      seatIds.map(async (seatId) => {
        const buyer = await insertBuyer(t.db, t.clock.now(), '100.00');
        await insertHold(t.db, seatId, buyer, t.clock.now());
        return { ...buyer, seatId };
      }),
    );

    const responses = await Promise.all(
      buyers.flatMap((buyer) => [
        call(t.app, 'POST', `/users/${buyer.userId}/charge`, { body: { amount: 10 } }),
        pay(t, buyer.seatId, buyer.token),
        call(t.app, 'POST', `/users/${buyer.userId}/charge`, { body: { amount: 0.5 } }),
      ]),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(150).fill(200));
    const balances = await t.db.query(
      `SELECT u.id, u.balance::text AS balance, sum(l.amount)::numeric(14, 2)::text AS ledger_sum
         FROM users u JOIN balance_ledger l ON l.user_id = u.id
        WHERE u.id = ANY($1) GROUP BY u.id`,
      [buyers.map((b) => b.userId)],
    );
    expect(balances).toHaveLength(50);
    for (const row of balances) {
      // 100.00 + 10.00 + 0.50 - 80.00
      expect(row).toMatchObject({ balance: '30.50', ledger_sum: '30.50' });
    }
    const [counts] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM payments WHERE performance_seat_id = ANY($1)) AS payments,
              (SELECT count(*)::int FROM performance_seats WHERE id = ANY($1) AND booked)
                AS booked,
              (SELECT count(*)::int FROM user_queue_tokens
                WHERE token = ANY($2) AND status = 'EXPIRED') AS expired`,
      [seatIds, buyers.map((b) => b.token)],
    );
    expect(counts).toEqual({ payments: 50, booked: 50, expired: 50 });
  });

  describe('with two app instances on one database', () => {
    let second: TestApp;

    beforeAll(async () => {
      second = await createTestApp({ databaseUrl: t.databaseUrl, clock: t.clock });
    });
    afterAll(async () => {
      await second.close();
    });

    it('ten pays with one token split across both instances charge once', async () => {
      const buyer = await buyerHolding('500.00', '100.00');

      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          pay(i % 2 === 0 ? t : second, buyer.seatId, buyer.token),
        ),
      );

      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      for (const response of responses) expect(response.body).toEqual(responses[0].body);
      expect(await ledgerOf(t.db, buyer.userId)).toEqual({
        balance: '400.00',
        ledger_sum: '400.00',
        payment_rows: 1,
        payments: 1,
      });
    });
  });
});
