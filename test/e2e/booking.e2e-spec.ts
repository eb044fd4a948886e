import { SchedulerRegistry } from '@nestjs/schedule';
import { ATTEMPT_HOLD_SQL } from '@app/booking/adapter/out/persistence/typeorm-seat-hold.repository';
import { ReleaseLapsedHoldsUseCase } from '@app/booking';
import { call } from '../support/http';
import {
  insertActiveToken,
  insertBuyer,
  insertHold,
  insertConcert,
  insertPerformance,
  insertQueuedToken,
  insertUser,
  newTokenValue,
  insertSale,
  setBookInfo,
} from '../support/fixtures';
import { statementsSentDuring } from '../support/statement-spy';
import { createTestApp, TestApp } from '../support/test-app';

const HOLD_TTL = 300;
const DAY = 24 * 60 * 60 * 1000;

interface HoldRow {
  token: string | null;
  user_id: string | null;
  book_attempt_at: Date | null;
  expires_at: Date | null;
  book_success_at: Date | null;
}

describe('booking: POST /performance_seats/{id}/book', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function seats(count = 3, at = new Date(t.clock.now().getTime() + 7 * DAY)) {
    const concertId = await insertConcert(t.db);
    return (await insertPerformance(t.db, concertId, { at, seats: count })).seatIds;
  }

  async function holdOf(seatId: number): Promise<HoldRow> {
    const [row] = await t.db.query(
      `SELECT token, user_id, book_attempt_at, expires_at, book_success_at
         FROM performance_seat_book_info WHERE performance_seat_id = $1`,
      [seatId],
    );
    return row;
  }

  async function logsOf(
    seatId: number,
  ): Promise<{ token: string; user_id: string; result: string }[]> {
    return t.db.query(
      `SELECT token, user_id, result FROM performance_seat_book_logs
        WHERE performance_seat_id = $1 ORDER BY id`,
      [seatId],
    );
  }

  const book = (seatId: number | string, token?: string) =>
    call(t.app, 'POST', `/performance_seats/${seatId}/book`, { token });

  it('holds the seat for the token: 201, the hold in book_info and a HELD log row', async () => {
    const [seatId] = await seats();
    const buyer = await insertBuyer(t.db, t.clock.now());
    const now = t.clock.now();

    const response = await book(seatId, buyer.token);

    expect(response.status).toBe(201);
    const expiresAt = new Date(now.getTime() + HOLD_TTL * 1000).toISOString();
    expect(response.body).toEqual({
      performance_seat_id: seatId,
      book_attempt_at: now.toISOString(),
      expires_at: expiresAt,
    });
    expect(await holdOf(seatId)).toEqual({
      token: buyer.token,
      user_id: buyer.userId,
      book_attempt_at: now,
      expires_at: new Date(expiresAt),
      book_success_at: null,
    });
    expect(await logsOf(seatId)).toEqual([
      { token: buyer.token, user_id: buyer.userId, result: 'HELD' },
    ]);
  });

  it('takes the hold and its HELD log row in one transaction', async () => {
    // An induced failure on the winning log row must take the hold back with it.
    await t.db.query(`
      CREATE FUNCTION fail_held_log() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.result = 'HELD' THEN RAISE EXCEPTION 'induced failure'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_held_log BEFORE INSERT ON performance_seat_book_logs
        FOR EACH ROW EXECUTE FUNCTION fail_held_log();`);
    // TypeORM logs the failed query; the failure is the point here.
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const [seatId] = await seats();
      const buyer = await insertBuyer(t.db, t.clock.now());
      const response = await book(seatId, buyer.token);
      expect(response.status).toBe(500);
      expect((await holdOf(seatId)).token).toBeNull();
      expect(await logsOf(seatId)).toEqual([]);
    } finally {
      quiet.mockRestore();
      await t.db.query(`
        DROP TRIGGER fail_held_log ON performance_seat_book_logs;
        DROP FUNCTION fail_held_log();`);
    }
  });

  it('answers a repeat by the same token with the same hold, not extended, logged ALREADY_HELD', async () => {
    const [seatId] = await seats();
    const buyer = await insertBuyer(t.db, t.clock.now());
    const first = await book(seatId, buyer.token);
    t.clock.advanceSeconds(30);

    const again = await book(seatId, buyer.token);

    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await holdOf(seatId)).expires_at?.toISOString()).toBe(first.body.expires_at);
    expect((await logsOf(seatId)).map((log) => log.result)).toEqual(['HELD', 'ALREADY_HELD']);
  });

  it('honours SEAT_HOLD_TTL_SECONDS', async () => {
    const other = await createTestApp({ env: { SEAT_HOLD_TTL_SECONDS: '45' } });
    try {
      const concertId = await insertConcert(other.db);
      const at = new Date(other.clock.now().getTime() + DAY);
      const { seatIds } = await insertPerformance(other.db, concertId, { at, seats: 1 });
      const buyer = await insertBuyer(other.db, other.clock.now());
      const response = await call(other.app, 'POST', `/performance_seats/${seatIds[0]}/book`, {
        token: buyer.token,
      });
      expect(response.status).toBe(201);
      expect(
        new Date(response.body.expires_at).getTime() -
          new Date(response.body.book_attempt_at).getTime(),
      ).toBe(45_000);
    } finally {
      await other.close();
    }
  });

  describe("capped at the token's expiry", () => {
    it('ends the hold when the token ends, not SEAT_HOLD_TTL_SECONDS later', async () => {
      const [seatId] = await seats();
      const userId = await insertUser(t.db);
      const admittedAt = t.clock.now();
      // QUEUE_ACTIVE_TTL_SECONDS=20: the token dies 20 s after admission; it books at 15 s.
      const token = await insertActiveToken(t.db, userId, admittedAt, 20);
      const tokenExpiresAt = new Date(admittedAt.getTime() + 20_000);
      t.clock.advanceSeconds(15);
      const now = t.clock.now();

      const response = await book(seatId, token);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        performance_seat_id: seatId,
        book_attempt_at: now.toISOString(),
        expires_at: tokenExpiresAt.toISOString(),
      });
      expect((await holdOf(seatId)).expires_at).toEqual(tokenExpiresAt);
    });

    it('keeps the full SEAT_HOLD_TTL_SECONDS when the token outlives it', async () => {
      const [seatId] = await seats();
      const userId = await insertUser(t.db);
      const token = await insertActiveToken(t.db, userId, t.clock.now(), HOLD_TTL + 1);
      const response = await book(seatId, token);
      expect(response.status).toBe(201);
      expect(response.body.expires_at).toBe(
        new Date(t.clock.now().getTime() + HOLD_TTL * 1000).toISOString(),
      );
    });

    it("lets the user's next token book once the first token's TTL has passed", async () => {
      const [seatA, seatB] = await seats();
      const userId = await insertUser(t.db);
      const first = await insertActiveToken(t.db, userId, t.clock.now(), 20);
      t.clock.advanceSeconds(15);
      expect((await book(seatA, first)).status).toBe(201);

      t.clock.advanceSeconds(5); // the first token's TTL is over; the job expires it
      await t.db.query(
        `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2 WHERE token = $1`,
        [first, t.clock.now()],
      );
      const next = await insertActiveToken(t.db, userId, t.clock.now(), 20);

      const response = await book(seatB, next);

      expect(response.status).toBe(201);
      expect((await holdOf(seatB)).token).toBe(next);
      // And the seat the dead token held is free for anyone.
      const other = await insertBuyer(t.db, t.clock.now());
      expect((await book(seatA, other.token)).status).toBe(201);
    });
  });

  it('treats a lapsed hold as free at once, before any job runs', async () => {
    const [seatId] = await seats();
    const first = await insertBuyer(t.db, t.clock.now());
    const second = await insertBuyer(t.db, t.clock.now());
    expect((await book(seatId, first.token)).status).toBe(201);

    t.clock.advanceSeconds(HOLD_TTL - 1);
    const tooEarly = await book(seatId, second.token);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body).toEqual({ message: 'Other user is booking the seat' });

    t.clock.advanceSeconds(1); // exactly at expires_at: the hold is over
    const now = t.clock.now();
    const taken = await book(seatId, second.token);
    expect(taken.status).toBe(201);
    expect(taken.body.book_attempt_at).toBe(now.toISOString());
    const hold = await holdOf(seatId);
    expect(hold.token).toBe(second.token);
    expect(hold.user_id).toBe(second.userId);
    expect((await logsOf(seatId)).map((log) => log.result)).toEqual([
      'HELD',
      'SEAT_HELD_BY_OTHER',
      'HELD',
    ]);
  });

  it('gives the same token a new hold once its own hold has lapsed', async () => {
    const [seatId] = await seats();
    const buyer = await insertBuyer(t.db, t.clock.now());
    const first = await book(seatId, buyer.token);
    t.clock.advanceSeconds(HOLD_TTL + 1);

    const again = await book(seatId, buyer.token);

    expect(again.status).toBe(201);
    expect(again.body.book_attempt_at).toBe(t.clock.now().toISOString());
    expect(again.body.expires_at).not.toBe(first.body.expires_at);
    expect((await logsOf(seatId)).map((log) => log.result)).toEqual(['HELD', 'HELD']);
  });

  it('lets a user book another seat once their own hold has lapsed, releasing the lapsed one', async () => {
    const [seatA, seatB] = await seats();
    const buyer = await insertBuyer(t.db, t.clock.now());
    expect((await book(seatA, buyer.token)).status).toBe(201);
    t.clock.advanceSeconds(HOLD_TTL);
    expect((await book(seatB, buyer.token)).status).toBe(201);
    expect((await holdOf(seatB)).token).toBe(buyer.token);
    // Before any release job ran: the booking released it, one unpaid hold per user.
    expect(await holdOf(seatA)).toEqual({
      token: null,
      user_id: null,
      book_attempt_at: null,
      expires_at: null,
      book_success_at: null,
    });
  });

  it('keeps a user to one unpaid hold in the database itself', async () => {
    const [seatA, seatB] = await seats();
    const buyer = await insertBuyer(t.db, t.clock.now());
    expect((await book(seatA, buyer.token)).status).toBe(201);
    // Even written by hand, a second unpaid hold of the user is refused.
    await expect(insertHold(t.db, seatB, buyer, t.clock.now())).rejects.toThrow(
      /performance_seat_book_info_one_open_per_user/,
    );
  });

  it('answers 400 Seat is already booked for a paid seat, logs it and changes nothing', async () => {
    const [seatId] = await seats();
    const owner = await insertBuyer(t.db, t.clock.now());
    await insertSale(t.db, seatId, owner, t.clock.now(), HOLD_TTL);
    const before = await holdOf(seatId);
    const buyer = await insertBuyer(t.db, t.clock.now());

    const response = await book(seatId, buyer.token);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Seat is already booked' });
    expect(await holdOf(seatId)).toEqual(before);
    expect(await logsOf(seatId)).toEqual([
      { token: buyer.token, user_id: buyer.userId, result: 'SEAT_ALREADY_BOOKED' },
    ]);
  });

  it('answers 400 Seat is already booked to the payer booking their own paid seat again', async () => {
    const [seatId] = await seats();
    const buyer = await insertBuyer(t.db, t.clock.now());
    expect((await book(seatId, buyer.token)).status).toBe(201);
    await insertSale(t.db, seatId, buyer, t.clock.now(), HOLD_TTL);
    const response = await book(seatId, buyer.token);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Seat is already booked' });
  });

  it('answers 400 Seat is already booked when the sale is visible only in book_info', async () => {
    // A payment that set book_success_at is a sale even before anything else is read.
    const [seatId] = await seats();
    const owner = await insertBuyer(t.db, t.clock.now());
    const now = t.clock.now();
    await t.db.query(
      `UPDATE performance_seat_book_info
          SET token = $2, user_id = $3, book_attempt_at = $4, expires_at = $4, book_success_at = $4
        WHERE performance_seat_id = $1`,
      [seatId, owner.token, owner.userId, now],
    );
    const buyer = await insertBuyer(t.db, t.clock.now());
    const response = await book(seatId, buyer.token);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Seat is already booked' });
    expect((await logsOf(seatId)).map((log) => log.result)).toEqual(['SEAT_ALREADY_BOOKED']);
  });

  it('answers 400 Performance has already started for a past performance, and logs it', async () => {
    const [seatId] = await seats(1, new Date(t.clock.now().getTime() - 60_000));
    const buyer = await insertBuyer(t.db, t.clock.now());

    const response = await book(seatId, buyer.token);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Performance has already started' });
    expect((await holdOf(seatId)).token).toBeNull();
    expect(await logsOf(seatId)).toEqual([
      { token: buyer.token, user_id: buyer.userId, result: 'PERFORMANCE_STARTED' },
    ]);
  });

  it('counts a performance starting exactly now as started', async () => {
    const [seatId] = await seats(1, t.clock.now());
    const buyer = await insertBuyer(t.db, t.clock.now());
    const response = await book(seatId, buyer.token);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Performance has already started' });
  });

  it('checks a sale before the start time', async () => {
    const [seatId] = await seats(1, new Date(t.clock.now().getTime() - 60_000));
    const owner = await insertBuyer(t.db, t.clock.now());
    await insertSale(t.db, seatId, owner, t.clock.now(), HOLD_TTL);
    const buyer = await insertBuyer(t.db, t.clock.now());
    const response = await book(seatId, buyer.token);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: 'Seat is already booked' });
  });

  it('answers 404 Performance seat not found and logs nothing', async () => {
    const buyer = await insertBuyer(t.db, t.clock.now());
    const response = await book(987_654_321, buyer.token);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Performance seat not found' });
    const [{ count }] = await t.db.query(
      'SELECT count(*)::int AS count FROM performance_seat_book_logs WHERE token = $1',
      [buyer.token],
    );
    expect(count).toBe(0);
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999999999999', '1%20OR%201=1'])(
    'answers 400 naming id for the malformed id %s, writing nothing',
    async (id) => {
      const buyer = await insertBuyer(t.db, t.clock.now());
      const response = await book(id, buyer.token);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'id must be a positive integer' });
      const [{ count }] = await t.db.query(
        'SELECT count(*)::int AS count FROM performance_seat_book_logs WHERE token = $1',
        [buyer.token],
      );
      expect(count).toBe(0);
    },
  );

  it('answers 409 User already has a reservation while the user holds another seat', async () => {
    const [seatA, seatB] = await seats();
    const buyer = await insertBuyer(t.db, t.clock.now());
    expect((await book(seatA, buyer.token)).status).toBe(201);

    const response = await book(seatB, buyer.token);

    expect(response.status).toBe(409);
    expect(response.body).toEqual({ message: 'User already has a reservation' });
    expect((await holdOf(seatB)).token).toBeNull();
    expect(await logsOf(seatB)).toEqual([
      { token: buyer.token, user_id: buyer.userId, result: 'USER_HAS_RESERVATION' },
    ]);
  });

  it("counts a live hold by the user's older (now expired) token as their reservation", async () => {
    const [seatA, seatB] = await seats();
    const userId = await insertUser(t.db);
    const oldToken = await insertActiveToken(t.db, userId, t.clock.now());
    expect((await book(seatA, oldToken)).status).toBe(201);
    await t.db.query(
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2 WHERE token = $1`,
      [oldToken, t.clock.now()],
    );
    const newToken = await insertActiveToken(t.db, userId, t.clock.now());

    for (const seatId of [seatB, seatA]) {
      const response = await book(seatId, newToken);
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ message: 'User already has a reservation' });
    }
    expect((await holdOf(seatA)).token).toBe(oldToken);
    expect((await holdOf(seatB)).token).toBeNull();
  });

  it('answers 409 Other user is booking the seat while another token holds it', async () => {
    const [seatId] = await seats();
    const holder = await insertBuyer(t.db, t.clock.now());
    const other = await insertBuyer(t.db, t.clock.now());
    const held = await book(seatId, holder.token);

    const response = await book(seatId, other.token);

    expect(response.status).toBe(409);
    expect(response.body).toEqual({ message: 'Other user is booking the seat' });
    const hold = await holdOf(seatId);
    expect(hold.token).toBe(holder.token);
    expect(hold.expires_at?.toISOString()).toBe(held.body.expires_at);
    expect(await logsOf(seatId)).toEqual([
      { token: holder.token, user_id: holder.userId, result: 'HELD' },
      { token: other.token, user_id: other.userId, result: 'SEAT_HELD_BY_OTHER' },
    ]);
  });

  it("checks the user's own reservation before another user's hold on the seat", async () => {
    const [seatA, seatB] = await seats();
    const holder = await insertBuyer(t.db, t.clock.now());
    const buyer = await insertBuyer(t.db, t.clock.now());
    await book(seatB, holder.token);
    await book(seatA, buyer.token);
    const response = await book(seatB, buyer.token);
    expect(response.status).toBe(409);
    expect(response.body).toEqual({ message: 'User already has a reservation' });
  });

  describe('token', () => {
    it.each([
      ['no token', undefined],
      ['a malformed token', 'nope'],
      ['an unknown token', newTokenValue()],
    ])('answers 401 Token is invalid with %s', async (_name, token) => {
      const [seatId] = await seats();
      const response = await book(seatId, token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
      expect(await logsOf(seatId)).toEqual([]);
    });

    it('answers 401 Token is invalid to an EXPIRED token', async () => {
      const [seatId] = await seats();
      const buyer = await insertBuyer(t.db, t.clock.now());
      await t.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE token = $1`, [
        buyer.token,
      ]);
      const response = await book(seatId, buyer.token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
      expect((await holdOf(seatId)).token).toBeNull();
    });

    it('answers 401 Token is invalid to an IN_PROGRESS token past its TTL', async () => {
      const [seatId] = await seats();
      const userId = await insertUser(t.db);
      const token = await insertActiveToken(t.db, userId, t.clock.now(), 10);
      t.clock.advanceSeconds(10);
      const response = await book(seatId, token);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
      expect((await holdOf(seatId)).token).toBeNull();
    });

    it('waits for a payment that is expiring the token, then answers 401 and holds nothing', async () => {
      const [seatId] = await seats();
      const buyer = await insertBuyer(t.db, t.clock.now());
      // What the payment's transaction does last, left uncommitted on another connection.
      const payment = t.db.createQueryRunner();
      await payment.connect();
      try {
        await payment.startTransaction();
        await payment.query(
          `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = now() WHERE token = $1`,
          [buyer.token],
        );
        let settled = false;
        const booking = book(seatId, buyer.token).finally(() => {
          settled = true;
        });
        // The hold statement reads the committed IN_PROGRESS row, takes the seat, then waits on
        // the token's row for its share lock.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled).toBe(false);
        await payment.commitTransaction();

        const response = await booking;
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ message: 'Token is invalid' });
        expect((await holdOf(seatId)).token).toBeNull();
        expect(await logsOf(seatId)).toEqual([]);
      } finally {
        if (payment.isTransactionActive) await payment.rollbackTransaction();
        await payment.release();
      }
    });

    it('answers for the token before the seat, and logs nothing', async () => {
      const [seatId, soldId] = await seats(2);
      await insertSale(t.db, soldId, await insertBuyer(t.db, t.clock.now()), t.clock.now());
      const unknown = await book(seatId + 1_000_000, newTokenValue());
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual({ message: 'Token is invalid' });
      const queued = await insertQueuedToken(t.db, await insertUser(t.db), t.clock.now());
      for (const seat of [soldId, seatId + 1_000_000]) {
        const response = await book(seat, queued);
        expect(response.status).toBe(403);
        expect(response.body).toEqual({ message: 'Token is still in queue' });
      }
      expect(await logsOf(soldId)).toEqual([]);
    });

    it('books in one statement, the request’s only round trip to the database', async () => {
      const [seatId] = await seats();
      const buyer = await insertBuyer(t.db, t.clock.now());
      const sent = await statementsSentDuring(async () => {
        expect((await book(seatId, buyer.token)).status).toBe(201);
      });
      expect(sent).toEqual([ATTEMPT_HOLD_SQL]);
    });

    it('answers 403 Token is still in queue to a queued token', async () => {
      const [seatId] = await seats();
      const userId = await insertUser(t.db);
      const token = await insertQueuedToken(t.db, userId, t.clock.now());
      const response = await book(seatId, token);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'Token is still in queue' });
      expect((await holdOf(seatId)).token).toBeNull();
      expect(await logsOf(seatId)).toEqual([]);
    });
  });
});

describe('hold release job', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const release = () => t.app.get(ReleaseLapsedHoldsUseCase).execute();

  async function holdSeat(seatId: number, expiresAt: Date, sold = false): Promise<void> {
    await setBookInfo(t.db, seatId, {
      token: newTokenValue(),
      userId: await insertUser(t.db),
      bookAttemptAt: new Date(expiresAt.getTime() - HOLD_TTL * 1000),
      expiresAt,
      bookSuccessAt: sold ? new Date(expiresAt.getTime() - 1000) : null,
    });
  }

  async function openHolds(seatIds: number[]): Promise<number[]> {
    const rows: { id: string }[] = await t.db.query(
      `SELECT performance_seat_id AS id FROM performance_seat_book_info
        WHERE performance_seat_id = ANY($1) AND token IS NOT NULL ORDER BY performance_seat_id`,
      [seatIds],
    );
    return rows.map((row) => Number(row.id));
  }

  it('clears lapsed unpaid holds only, and is idempotent', async () => {
    const concertId = await insertConcert(t.db);
    const now = t.clock.now();
    const { seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(now.getTime() + DAY),
      seats: 5,
    });
    const [live, lapsed, lapsedAtNow, sold] = seatIds;
    await holdSeat(live, new Date(now.getTime() + 1000));
    await holdSeat(lapsed, new Date(now.getTime() - 1000));
    await holdSeat(lapsedAtNow, now);
    await holdSeat(sold, new Date(now.getTime() - 1000), true);

    expect(await release()).toBe(2);

    expect(await openHolds(seatIds)).toEqual([live, sold]);
    const [cleared] = await t.db.query(
      `SELECT token, user_id, book_attempt_at, expires_at, book_success_at
         FROM performance_seat_book_info WHERE performance_seat_id = $1`,
      [lapsed],
    );
    expect(cleared).toEqual({
      token: null,
      user_id: null,
      book_attempt_at: null,
      expires_at: null,
      book_success_at: null,
    });
    expect(await release()).toBe(0);
  });

  it('releases more than one batch in one run', async () => {
    const concertId = await insertConcert(t.db);
    const now = t.clock.now();
    const { seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(now.getTime() + DAY),
      seats: 1203,
    });
    // A holder each: a user has at most one unpaid hold.
    await t.db.query(
      `WITH holders AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, cardinality($1::bigint[]))
         RETURNING id
       ), numbered AS (
         SELECT id, row_number() OVER (ORDER BY id) AS n FROM holders
       )
       UPDATE performance_seat_book_info
          SET token = md5(performance_seat_id::text), user_id = numbered.id,
              book_attempt_at = $2, expires_at = $2
         FROM numbered
        WHERE performance_seat_id = ($1::bigint[])[numbered.n]`,
      [seatIds, new Date(now.getTime() - 1000)],
    );
    expect(await release()).toBe(1203);
    expect(await openHolds(seatIds)).toEqual([]);
  });

  it('is not scheduled when SCHEDULER_ENABLED is false', () => {
    expect(t.app.get(SchedulerRegistry).getIntervals()).not.toContain('hold-release');
  });

  it('runs on its interval when SCHEDULER_ENABLED, and stops on shutdown', async () => {
    const scheduled = await createTestApp({
      env: { SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_MS: '100' },
    });
    let closed = false;
    try {
      const registry = scheduled.app.get(SchedulerRegistry);
      expect(registry.getIntervals()).toContain('hold-release');
      const concertId = await insertConcert(scheduled.db);
      const now = scheduled.clock.now();
      const { seatIds } = await insertPerformance(scheduled.db, concertId, {
        at: new Date(now.getTime() + DAY),
        seats: 1,
      });
      const userId = await insertUser(scheduled.db);
      await scheduled.db.query(
        `UPDATE performance_seat_book_info
            SET token = $2, user_id = $3, book_attempt_at = $4, expires_at = $4
          WHERE performance_seat_id = $1`,
        [seatIds[0], newTokenValue(), userId, new Date(now.getTime() - 1000)],
      );
      let token: string | null = 'pending';
      for (let waited = 0; waited < 10_000 && token !== null; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        [{ token }] = await scheduled.db.query(
          'SELECT token FROM performance_seat_book_info WHERE performance_seat_id = $1',
          [seatIds[0]],
        );
      }
      expect(token).toBeNull();
      await scheduled.close();
      closed = true;
      expect(registry.getIntervals()).not.toContain('hold-release');
    } finally {
      if (!closed) await scheduled.close();
    }
  });
});
