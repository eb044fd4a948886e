import { DataSource } from 'typeorm';
import { ReleaseLapsedHoldsUseCase } from '@app/booking';
import { call, CallResult } from '../support/http';
import { insertBuyer, insertConcert, insertPerformance } from '../support/fixtures';
import { createTestApp, createTwoInstances, TestApp } from '../support/test-app';

const HOLD_TTL = 300;
const DAY = 24 * 60 * 60 * 1000;

/** Many users with an active token each, in two statements. */
async function insertBuyers(
  db: DataSource,
  now: Date,
  count: number,
): Promise<{ userId: string; token: string }[]> {
  const rows: { user_id: string; token: string }[] = await db.query(
    `WITH u AS (INSERT INTO users (balance) SELECT 100 FROM generate_series(1, $1) RETURNING id)
     INSERT INTO user_queue_tokens
       (user_id, token, status, created_at, last_seen_at, activated_at, expires_at)
     SELECT id, md5(id::text || random()::text), 'IN_PROGRESS', $2, $2, $2, $3 FROM u
     RETURNING user_id, token`,
    [count, now, new Date(now.getTime() + 3600_000)],
  );
  return rows.map((row) => ({ userId: row.user_id, token: row.token }));
}

function statusCounts(responses: CallResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    const key = `${response.status} ${response.status === 201 ? '' : response.body?.message}`;
    counts[key.trim()] = (counts[key.trim()] ?? 0) + 1;
  }
  return counts;
}

async function liveHolds(db: DataSource, seatIds: number[], now: Date) {
  return db.query(
    `SELECT performance_seat_id::int AS seat_id, token, user_id
       FROM performance_seat_book_info
      WHERE performance_seat_id = ANY($1) AND token IS NOT NULL AND book_success_at IS NULL
        AND expires_at > $2`,
    [seatIds, now],
  );
}

async function logCounts(db: DataSource, seatIds: number[]): Promise<Record<string, number>> {
  const rows: { result: string; count: number }[] = await db.query(
    `SELECT result, count(*)::int AS count FROM performance_seat_book_logs
      WHERE performance_seat_id = ANY($1) GROUP BY result`,
    [seatIds],
  );
  return Object.fromEntries(rows.map((row) => [row.result, row.count]));
}

describe('booking races, settled by the database', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function seats(count: number): Promise<number[]> {
    const concertId = await insertConcert(t.db);
    const at = new Date(t.clock.now().getTime() + 7 * DAY);
    return (await insertPerformance(t.db, concertId, { at, seats: count })).seatIds;
  }

  it('500 users booking one seat at once: one 201, 499 x 409, one live hold, 500 log rows', async () => {
    const [seatId] = await seats(1);
    const buyers = await insertBuyers(t.db, t.clock.now(), 500);

    const responses = await Promise.all(
      buyers.map((buyer) =>
        call(t.app, 'POST', `/performance_seats/${seatId}/book`, { token: buyer.token }),
      ),
    );

    expect(statusCounts(responses)).toEqual({
      '201': 1,
      '409 Other user is booking the seat': 499,
    });
    const winner = buyers[responses.findIndex((response) => response.status === 201)];
    expect(await liveHolds(t.db, [seatId], t.clock.now())).toEqual([
      { seat_id: seatId, token: winner.token, user_id: winner.userId },
    ]);
    expect(await logCounts(t.db, [seatId])).toEqual({ HELD: 1, SEAT_HELD_BY_OTHER: 499 });
    const [{ held_by }] = await t.db.query(
      `SELECT token AS held_by FROM performance_seat_book_logs
        WHERE performance_seat_id = $1 AND result = 'HELD'`,
      [seatId],
    );
    expect(held_by).toBe(winner.token);
  });

  it('one user booking 20 different seats at once: exactly one hold', async () => {
    const seatIds = await seats(20);
    const buyer = await insertBuyer(t.db, t.clock.now());

    const responses = await Promise.all(
      seatIds.map((seatId) =>
        call(t.app, 'POST', `/performance_seats/${seatId}/book`, { token: buyer.token }),
      ),
    );

    expect(statusCounts(responses)).toEqual({
      '201': 1,
      '409 User already has a reservation': 19,
    });
    const won = seatIds[responses.findIndex((response) => response.status === 201)];
    expect(await liveHolds(t.db, seatIds, t.clock.now())).toEqual([
      { seat_id: won, token: buyer.token, user_id: buyer.userId },
    ]);
    expect(await logCounts(t.db, seatIds)).toEqual({ HELD: 1, USER_HAS_RESERVATION: 19 });
  });

  it('one token booking one seat 30 times at once: one HELD, the rest the same hold', async () => {
    const [seatId] = await seats(1);
    const buyer = await insertBuyer(t.db, t.clock.now());

    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        call(t.app, 'POST', `/performance_seats/${seatId}/book`, { token: buyer.token }),
      ),
    );

    expect(statusCounts(responses)).toEqual({ '201': 30 });
    expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
    expect(await logCounts(t.db, [seatId])).toEqual({ HELD: 1, ALREADY_HELD: 29 });
  });

  it('bookings racing the release of a lapsed hold: one consistent new holder', async () => {
    const release = t.app.get(ReleaseLapsedHoldsUseCase);
    for (let round = 0; round < 5; round += 1) {
      // Start from a table with no lapsed hold but the one under test, to count releases.
      t.clock.advanceSeconds(HOLD_TTL + 1);
      await release.execute();
      const [seatId] = await seats(1);
      const first = await insertBuyer(t.db, t.clock.now());
      const buyers = await insertBuyers(t.db, t.clock.now(), 40);
      const held = await call(t.app, 'POST', `/performance_seats/${seatId}/book`, {
        token: first.token,
      });
      expect(held.status).toBe(201);
      t.clock.advanceSeconds(HOLD_TTL + 1);

      const bookings = buyers.map((buyer) =>
        call(t.app, 'POST', `/performance_seats/${seatId}/book`, { token: buyer.token }),
      );
      const releases = Array.from({ length: 10 }, () => release.execute());
      const [responses, released] = await Promise.all([
        Promise.all(bookings),
        Promise.all(releases),
      ]);

      expect(statusCounts(responses)).toEqual({
        '201': 1,
        '409 Other user is booking the seat': 39,
      });
      const winner = buyers[responses.findIndex((response) => response.status === 201)];
      // The release either cleared the lapsed hold before the winner took the seat, or
      // found it already taken; never both, never a half-cleared row.
      expect(released.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(1);
      const [row] = await t.db.query(
        `SELECT token, user_id, book_attempt_at, expires_at, book_success_at
           FROM performance_seat_book_info WHERE performance_seat_id = $1`,
        [seatId],
      );
      const now = t.clock.now();
      expect(row).toEqual({
        token: winner.token,
        user_id: winner.userId,
        book_attempt_at: now,
        expires_at: new Date(now.getTime() + HOLD_TTL * 1000),
        book_success_at: null,
      });
      // The winner's hold is live, so a release now must leave it alone.
      expect(await release.execute()).toBe(0);
      expect(await logCounts(t.db, [seatId])).toEqual({ HELD: 2, SEAT_HELD_BY_OTHER: 39 });
    }
  });

  it('several release runs at once clear each lapsed hold exactly once', async () => {
    const seatIds = await seats(300);
    const buyers = await insertBuyers(t.db, t.clock.now(), 300);
    const now = t.clock.now();
    await t.db.query(
      `UPDATE performance_seat_book_info i
          SET token = b.token, user_id = b.user_id::uuid, book_attempt_at = $3, expires_at = $3
         FROM unnest($1::bigint[], $2::text[], $4::text[]) AS b(seat_id, token, user_id)
        WHERE i.performance_seat_id = b.seat_id`,
      [
        seatIds,
        buyers.map((buyer) => buyer.token),
        new Date(now.getTime() - 1000),
        buyers.map((buyer) => buyer.userId),
      ],
    );
    const release = t.app.get(ReleaseLapsedHoldsUseCase);
    const counts = await Promise.all(Array.from({ length: 8 }, () => release.execute(25)));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(300);
    const [{ open }] = await t.db.query(
      `SELECT count(*)::int AS open FROM performance_seat_book_info
        WHERE performance_seat_id = ANY($1) AND token IS NOT NULL`,
      [seatIds],
    );
    expect(open).toBe(0);
  });
});

describe('booking races across two app instances on one database', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    ({ first, second } = await createTwoInstances());
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('200 users split across both instances booking one seat: one winner', async () => {
    const concertId = await insertConcert(first.db);
    const at = new Date(first.clock.now().getTime() + DAY);
    const {
      seatIds: [seatId],
    } = await insertPerformance(first.db, concertId, { at, seats: 1 });
    const buyers = await insertBuyers(first.db, first.clock.now(), 200);

    const responses = await Promise.all(
      buyers.map((buyer, index) =>
        call(
          index % 2 === 0 ? first.app : second.app,
          'POST',
          `/performance_seats/${seatId}/book`,
          {
            token: buyer.token,
          },
        ),
      ),
    );

    expect(statusCounts(responses)).toEqual({
      '201': 1,
      '409 Other user is booking the seat': 199,
    });
    expect(await liveHolds(first.db, [seatId], first.clock.now())).toHaveLength(1);
    expect(await logCounts(first.db, [seatId])).toEqual({ HELD: 1, SEAT_HELD_BY_OTHER: 199 });
  });

  it('one user booking 20 seats through both instances at once: one hold', async () => {
    const concertId = await insertConcert(first.db);
    const at = new Date(first.clock.now().getTime() + DAY);
    const { seatIds } = await insertPerformance(first.db, concertId, { at, seats: 20 });
    const buyer = await insertBuyer(first.db, first.clock.now());

    const responses = await Promise.all(
      seatIds.map((seatId, index) =>
        call(
          index % 2 === 0 ? first.app : second.app,
          'POST',
          `/performance_seats/${seatId}/book`,
          {
            token: buyer.token,
          },
        ),
      ),
    );

    expect(statusCounts(responses)).toEqual({
      '201': 1,
      '409 User already has a reservation': 19,
    });
    expect(await liveHolds(first.db, seatIds, first.clock.now())).toHaveLength(1);
  });
});
