import { randomUUID } from 'node:crypto';
import {
  BookAttempt,
  BookLogRepository,
} from '@app/booking/application/port/out/book-log.repository';
import { BookingTokenRepository } from '@app/booking/application/port/out/booking-token.repository';
import { SeatHoldRepository } from '@app/booking/application/port/out/seat-hold.repository';
import { SeatHoldState } from '@app/booking/domain/seat-hold';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { InMemoryBooking } from '../support/fakes/in-memory-booking';
import {
  insertConcert,
  insertPerformance,
  insertUser,
  newTokenValue,
  setBookInfo,
  setSeatOwner,
} from '../support/fixtures';
import { TestApp } from '../support/test-app';
import { describeContract, emptySaleTables } from './describe-contract';

/**
 * Booking's out-ports: the in-memory fake the unit tests use and the TypeORM adapter on
 * PostgreSQL answer the same cases the same way. A case seeds rows through the world (as
 * the other contexts would have written them), calls the port inside a transaction as the use
 * cases do, and reads the outcome back through the world.
 */
interface BookingWorld {
  seatHolds: SeatHoldRepository;
  bookLogs: BookLogRepository;
  bookingTokens: BookingTokenRepository;
  tx<T>(work: () => Promise<T>): Promise<T>;
  addUser(): Promise<string>;
  /** A seat with its book-info row; a `booked` seat belongs to a fresh user. */
  addSeat(
    seat: { booked?: boolean; performanceDatetime: Date },
    hold?: Partial<SeatHoldState>,
  ): Promise<number>;
  addToken(token: {
    userId: string;
    token: string;
    status: 'IN_QUEUE' | 'IN_PROGRESS' | 'EXPIRED';
    expiresAt: Date;
  }): Promise<void>;
  holdOf(seatId: number): Promise<SeatHoldState>;
  logsOf(seatId: number): Promise<BookAttempt[]>;
}

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const FUTURE = at(86_400);

function inMemoryWorld(): BookingWorld {
  const booking = new InMemoryBooking();
  let nextSeat = 1;
  return {
    seatHolds: booking.seatHolds,
    bookLogs: booking.bookLogs,
    bookingTokens: booking.bookingTokens,
    tx: (work) => booking.transactions.run(work),
    addUser: async () => randomUUID(),
    async addSeat(seat, hold = {}) {
      const id = nextSeat++;
      booking.addSeat(id, seat, hold);
      return id;
    },
    async addToken(token) {
      booking.bookingTokens.standings.set(token.token, {
        userId: token.userId,
        status: token.status,
        expiresAt: token.status === 'IN_QUEUE' ? null : token.expiresAt,
      });
    },
    async holdOf(seatId) {
      return { ...booking.store.holds.get(seatId)! };
    },
    async logsOf(seatId) {
      return booking.store.logs.filter((log) => log.performanceSeatId === seatId);
    },
  };
}

function sqlWorld(t: TestApp): BookingWorld {
  const runner = t.app.get(TransactionRunner);
  const db = t.db;
  let concertId: number | undefined;
  return {
    seatHolds: t.app.get(SeatHoldRepository),
    bookLogs: t.app.get(BookLogRepository),
    bookingTokens: t.app.get(BookingTokenRepository),
    tx: (work) => runner.run(work),
    addUser: () => insertUser(db),
    async addSeat(seat, hold = {}) {
      concertId ??= await insertConcert(db);
      const { seatIds } = await insertPerformance(db, concertId, {
        at: seat.performanceDatetime,
        seats: 1,
      });
      const [id] = seatIds;
      if (seat.booked) {
        await setSeatOwner(db, id, await insertUser(db));
      }
      await setBookInfo(db, id, hold);
      return id;
    },
    async addToken(token) {
      await db.query(
        `INSERT INTO user_queue_tokens
           (user_id, token, status, created_at, last_seen_at, activated_at, expires_at, expired_at)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`,
        [
          token.userId,
          token.token,
          token.status,
          at(-600),
          token.status === 'IN_QUEUE' ? null : at(-600),
          token.status === 'IN_QUEUE' ? null : token.expiresAt,
          token.status === 'EXPIRED' ? at(-1) : null,
        ],
      );
    },
    async holdOf(seatId) {
      const [row] = await db.query(
        `SELECT i.token, i.user_id, i.book_attempt_at, i.expires_at, i.book_success_at, s.booked
           FROM performance_seat_book_info i JOIN performance_seats s ON s.id = i.performance_seat_id
          WHERE i.performance_seat_id = $1`,
        [seatId],
      );
      return {
        performanceSeatId: seatId,
        token: row.token,
        userId: row.user_id,
        bookAttemptAt: row.book_attempt_at,
        expiresAt: row.expires_at,
        bookSuccessAt: row.book_success_at,
        booked: row.booked,
      };
    },
    async logsOf(seatId) {
      const rows = await db.query(
        `SELECT performance_seat_id, token, user_id, result, created_at
           FROM performance_seat_book_logs WHERE performance_seat_id = $1 ORDER BY id`,
        [seatId],
      );
      return rows.map((row: any) => ({
        performanceSeatId: Number(row.performance_seat_id),
        token: row.token,
        userId: row.user_id,
        result: row.result,
        at: row.created_at,
      }));
    },
  };
}

describeContract(
  'booking ports contract',
  { inMemory: inMemoryWorld, typeorm: sqlWorld, resetDatabase: emptySaleTables },
  (w) => {
    const holder = async () => ({ token: newTokenValue(), userId: await w.addUser() });
    const liveHold = async (expiresIn: number) => ({
      ...(await holder()),
      bookAttemptAt: at(-60),
      expiresAt: at(expiresIn),
    });

    describe('SeatHoldRepository', () => {
      /** A holder whose token is active for ten minutes. */
      const activeHolder = async () => {
        const buyer = await holder();
        await w.addToken({ ...buyer, status: 'IN_PROGRESS', expiresAt: at(600) });
        return buyer;
      };
      // One statement of its own, outside any transaction, as the use case runs it: a hold of
      // 300 s (the token's, active for 600 s, comes later).
      const attempt = (seat: number, buyer: { token: string; userId: string }, ttl = 300) =>
        w.seatHolds.attemptHold(seat, buyer.token, NOW, ttl);
      const activeStanding = (buyer: { userId: string }) => ({
        userId: buyer.userId,
        status: 'IN_PROGRESS',
        expiresAt: at(600),
      });

      it('attemptHold takes a free seat, finds the token active and logs HELD', async () => {
        const seat = await w.addSeat({ performanceDatetime: FUTURE });
        const buyer = await activeHolder();
        const expected = {
          performanceSeatId: seat,
          ...buyer,
          bookAttemptAt: NOW,
          expiresAt: at(300),
        };
        expect(await attempt(seat, buyer)).toEqual({
          holder: activeStanding(buyer),
          userHeldElsewhere: false,
          seat: {
            performanceSeatId: seat,
            booked: false,
            bookSuccessAt: null,
            performanceDatetime: FUTURE,
          },
          holdsOfUser: [],
          won: expected,
        });
        expect(await w.holdOf(seat)).toEqual({ ...expected, bookSuccessAt: null, booked: false });
        expect(await w.logsOf(seat)).toEqual([
          { performanceSeatId: seat, ...buyer, result: 'HELD', at: NOW },
        ]);
      });

      it.each([
        ['unknown', null, 0, null],
        ['still in queue', 'IN_QUEUE', 600, null],
        ['EXPIRED', 'EXPIRED', 600, 600],
        ['past its TTL exactly now', 'IN_PROGRESS', 0, 0],
      ] as const)(
        'attemptHold takes nothing for a token %s, and says how it stands',
        async (_what, status, expiresIn, shownExpiresIn) => {
          const seat = await w.addSeat({ performanceDatetime: FUTURE });
          const buyer = await holder();
          const lapsed = await w.addSeat(
            { performanceDatetime: FUTURE },
            { ...buyer, bookAttemptAt: at(-400), expiresAt: at(-100) },
          );
          if (status) await w.addToken({ ...buyer, status, expiresAt: at(expiresIn) });
          expect(await attempt(seat, buyer)).toMatchObject({
            holder: status
              ? {
                  userId: buyer.userId,
                  status,
                  expiresAt: shownExpiresIn === null ? null : at(shownExpiresIn),
                }
              : null,
            userHeldElsewhere: false,
            seat: { performanceSeatId: seat },
            won: null,
          });
          expect(await w.holdOf(seat)).toMatchObject({ token: null });
          // The user's lapsed hold elsewhere is not released either: the attempt wrote nothing.
          expect(await w.holdOf(lapsed)).toMatchObject({ token: buyer.token });
          expect(await w.logsOf(seat)).toEqual([]);
        },
      );

      it("attemptHold ends the hold at the token's expiry when that comes before the TTL", async () => {
        const seat = await w.addSeat({ performanceDatetime: FUTURE });
        const buyer = await activeHolder();
        expect(await attempt(seat, buyer, 900)).toMatchObject({
          won: { ...buyer, expiresAt: at(600) },
        });
        expect(await w.holdOf(seat)).toMatchObject({ ...buyer, expiresAt: at(600) });
      });

      it('attemptHold: an unknown seat is null, and nothing is taken', async () => {
        const seat = await w.addSeat({ performanceDatetime: FUTURE });
        const buyer = await activeHolder();
        expect(await attempt(seat + 1000, buyer)).toEqual({
          holder: activeStanding(buyer),
          userHeldElsewhere: false,
          seat: null,
          holdsOfUser: [],
          won: null,
        });
      });

      it("attemptHold refuses a seat under another's live hold and changes nothing", async () => {
        const other = await liveHold(1);
        const seat = await w.addSeat({ performanceDatetime: FUTURE }, other);
        expect(await attempt(seat, await activeHolder())).toMatchObject({
          seat: { performanceSeatId: seat, booked: false },
          won: null,
        });
        expect(await w.holdOf(seat)).toMatchObject({ token: other.token, expiresAt: at(1) });
        expect(await w.logsOf(seat)).toEqual([]);
      });

      it.each([0, -1])(
        'attemptHold takes over a hold that lapsed %ss from now',
        async (expiresIn) => {
          const seat = await w.addSeat({ performanceDatetime: FUTURE }, await liveHold(expiresIn));
          const buyer = await activeHolder();
          expect(await attempt(seat, buyer)).toMatchObject({ won: buyer });
          expect(await w.holdOf(seat)).toMatchObject({ ...buyer, expiresAt: at(300) });
        },
      );

      it('attemptHold refuses a sold seat, even one whose hold time is over, and says it is sold', async () => {
        const sale = { ...(await liveHold(-60)), bookSuccessAt: at(-100) };
        const seat = await w.addSeat({ booked: true, performanceDatetime: FUTURE }, sale);
        expect(await attempt(seat, await activeHolder())).toMatchObject({
          seat: { booked: true, bookSuccessAt: at(-100) },
          won: null,
        });
        expect(await w.holdOf(seat)).toMatchObject({ token: sale.token, bookSuccessAt: at(-100) });
      });

      it.each([0, -1])(
        'attemptHold refuses a seat whose performance started %ss from now',
        async (startsIn) => {
          const seat = await w.addSeat({ performanceDatetime: at(startsIn) });
          expect(await attempt(seat, await activeHolder())).toMatchObject({
            seat: { performanceDatetime: at(startsIn) },
            won: null,
          });
          expect(await w.holdOf(seat)).toMatchObject({ token: null });
        },
      );

      it("attemptHold: the user's unpaid holds still ahead of now, nobody else's; another one refuses", async () => {
        const buyer = await activeHolder();
        const mine = { ...buyer, bookAttemptAt: at(-60) };
        const live = await w.addSeat(
          { performanceDatetime: FUTURE },
          { ...mine, expiresAt: at(1) },
        );
        await w.addSeat(
          { booked: true, performanceDatetime: FUTURE },
          { ...mine, expiresAt: at(60), bookSuccessAt: at(-1) },
        );
        await w.addSeat({ performanceDatetime: FUTURE }, await liveHold(60));
        const seat = await w.addSeat({ performanceDatetime: FUTURE });
        expect(await attempt(seat, buyer)).toMatchObject({
          holdsOfUser: [{ performanceSeatId: live, ...mine, expiresAt: at(1) }],
          won: null,
        });
        expect(await w.holdOf(seat)).toMatchObject({ token: null });
      });

      it("attemptHold releases the user's lapsed hold on another seat as it takes this one", async () => {
        const buyer = await activeHolder();
        const lapsed = await w.addSeat(
          { performanceDatetime: FUTURE },
          { ...buyer, bookAttemptAt: at(-300), expiresAt: NOW },
        );
        const seat = await w.addSeat({ performanceDatetime: FUTURE });
        expect(await attempt(seat, buyer)).toMatchObject({ holdsOfUser: [], won: buyer });
        expect(await w.holdOf(lapsed)).toMatchObject({
          token: null,
          userId: null,
          expiresAt: null,
        });
        expect(await w.holdOf(seat)).toMatchObject({ ...buyer, expiresAt: at(300) });
      });

      it('attemptHold: a repeat of this very hold is no other hold, and takes nothing', async () => {
        const buyer = await activeHolder();
        const hold = { ...buyer, bookAttemptAt: at(-60), expiresAt: at(60) };
        const seat = await w.addSeat({ performanceDatetime: FUTURE }, hold);
        expect(await attempt(seat, buyer)).toMatchObject({
          holdsOfUser: [{ performanceSeatId: seat, ...hold }],
          won: null,
        });
        expect(await w.holdOf(seat)).toMatchObject({ expiresAt: at(60) });
      });

      it('findState: the row as it stands, null for an unknown seat', async () => {
        const hold = await liveHold(60);
        const seat = await w.addSeat({ performanceDatetime: FUTURE }, hold);
        await w.tx(async () => {
          expect(await w.seatHolds.findState(seat)).toEqual({
            performanceSeatId: seat,
            ...hold,
            bookSuccessAt: null,
            booked: false,
          });
          expect(await w.seatHolds.findState(seat + 1000)).toBeNull();
        });
      });

      it('releaseLapsed clears lapsed unpaid holds only, and says how many', async () => {
        const lapsed = await w.addSeat({ performanceDatetime: FUTURE }, await liveHold(-10));
        const atNow = await w.addSeat({ performanceDatetime: FUTURE }, await liveHold(0));
        const live = await w.addSeat({ performanceDatetime: FUTURE }, await liveHold(1));
        const paid = await w.addSeat(
          { booked: true, performanceDatetime: FUTURE },
          { ...(await liveHold(-10)), bookSuccessAt: at(-20) },
        );
        const free = await w.addSeat({ performanceDatetime: FUTURE });
        expect(await w.tx(() => w.seatHolds.releaseLapsed(NOW, 500))).toBe(2);
        const cleared = {
          token: null,
          userId: null,
          bookAttemptAt: null,
          expiresAt: null,
          bookSuccessAt: null,
          booked: false,
        };
        expect(await w.holdOf(lapsed)).toEqual({ performanceSeatId: lapsed, ...cleared });
        expect(await w.holdOf(atNow)).toEqual({ performanceSeatId: atNow, ...cleared });
        expect(await w.holdOf(live)).toMatchObject({ expiresAt: at(1) });
        expect(await w.holdOf(paid)).toMatchObject({ expiresAt: at(-10), bookSuccessAt: at(-20) });
        expect(await w.holdOf(free)).toEqual({ performanceSeatId: free, ...cleared });
        expect(await w.tx(() => w.seatHolds.releaseLapsed(NOW, 500))).toBe(0);
      });

      it('releaseLapsed clears at most `limit` holds, the longest lapsed first', async () => {
        const seats: number[] = [];
        for (const expiresIn of [-5, -30, -10, -20]) {
          seats.push(await w.addSeat({ performanceDatetime: FUTURE }, await liveHold(expiresIn)));
        }
        expect(await w.tx(() => w.seatHolds.releaseLapsed(NOW, 2))).toBe(2);
        const tokens = await Promise.all(seats.map(async (seat) => (await w.holdOf(seat)).token));
        expect(tokens.map((token) => token !== null)).toEqual([true, false, true, false]);
        expect(await w.tx(() => w.seatHolds.releaseLapsed(NOW, 2))).toBe(2);
        expect(await w.tx(() => w.seatHolds.releaseLapsed(NOW, 2))).toBe(0);
      });
    });

    describe('BookLogRepository', () => {
      it('append keeps every attempt, won or lost, in order', async () => {
        const seat = await w.addSeat({ performanceDatetime: FUTURE });
        const buyer = await holder();
        const attempts: BookAttempt[] = [
          { performanceSeatId: seat, ...buyer, result: 'HELD', at: at(-2) },
          { performanceSeatId: seat, ...buyer, result: 'SEAT_HELD_BY_OTHER', at: at(-1) },
        ];
        await w.tx(async () => {
          for (const attempt of attempts) await w.bookLogs.append(attempt);
        });
        expect(await w.logsOf(seat)).toEqual(attempts);
      });

      it('a failed transaction keeps none of its attempts', async () => {
        const seat = await w.addSeat({ performanceDatetime: FUTURE });
        const attempt: BookAttempt = {
          performanceSeatId: seat,
          ...(await holder()),
          result: 'HELD',
          at: NOW,
        };
        await expect(
          w.tx(async () => {
            await w.bookLogs.append(attempt);
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        expect(await w.logsOf(seat)).toEqual([]);
      });
    });

    describe('BookingTokenRepository', () => {
      it.each([
        ['IN_PROGRESS and ahead of now', 'IN_PROGRESS', 1, true],
        ['IN_PROGRESS but over exactly now', 'IN_PROGRESS', 0, false],
        ['IN_PROGRESS but over', 'IN_PROGRESS', -1, false],
        ['EXPIRED', 'EXPIRED', 60, false],
        ['still IN_QUEUE', 'IN_QUEUE', 60, false],
      ] as const)(
        'lockIfActive: a token %s is active: %s',
        async (_what, status, expiresIn, active) => {
          const token = newTokenValue();
          await w.addToken({ userId: await w.addUser(), token, status, expiresAt: at(expiresIn) });
          expect(await w.tx(() => w.bookingTokens.lockIfActive(token, NOW))).toBe(active);
        },
      );

      it('lockIfActive: an unknown token is not active', async () => {
        expect(await w.tx(() => w.bookingTokens.lockIfActive(newTokenValue(), NOW))).toBe(false);
      });
    });
  },
);
