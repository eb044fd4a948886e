import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Money } from '@app/common/domain/money';
import { BuyerBalanceRepository } from '@app/payment/application/port/out/buyer-balance.repository';
import { PayableSeatRepository } from '@app/payment/application/port/out/payable-seat.repository';
import { PayingTokenRepository } from '@app/payment/application/port/out/paying-token.repository';
import { PaymentRepository } from '@app/payment/application/port/out/payment.repository';
import { PayableSeat } from '@app/payment/domain/seat-payment';
import { InMemoryPayment } from '../support/fakes/in-memory-payment';
import {
  insertConcert,
  insertPerformance,
  newTokenValue,
  setBookInfo,
  setSeatOwner,
} from '../support/fixtures';
import { TestApp } from '../support/test-app';
import { describeContract } from './describe-contract';

/**
 * Payment's out-ports: the in-memory fake and the TypeORM adapter on PostgreSQL answer the
 * same cases the same way. Rows are seeded through the world as the other contexts write
 * them; outcomes are read back through it.
 */
interface PaymentWorld {
  seats: PayableSeatRepository;
  balances: BuyerBalanceRepository;
  payments: PaymentRepository;
  tokens: PayingTokenRepository;
  tx<T>(work: () => Promise<T>): Promise<T>;
  addUser(balance: string): Promise<string>;
  addSeat(seat: {
    price: string;
    performanceDatetime: Date;
    hold?: Partial<PayableSeat['hold']>;
    owner?: string;
  }): Promise<{ id: number; performanceId: number; seatNumber: number }>;
  addLog(seatId: number, token: string, userId: string, result: string): Promise<void>;
  addToken(token: {
    userId: string;
    status: 'IN_PROGRESS' | 'EXPIRED';
    expiresAt: Date;
  }): Promise<number>;
  balanceOf(userId: string): Promise<string>;
  /** The user's ledger amounts, oldest first, and the payment each points at. */
  ledgerOf(userId: string): Promise<{ amount: string; paymentId: number | null }[]>;
  seatOf(seatId: number): Promise<{ booked: boolean; owner: string | null; soldAt: Date | null }>;
  tokenOf(tokenId: number): Promise<{ status: string; expiredAt: Date | null }>;
}

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const FUTURE = at(86_400);

function inMemoryWorld(): PaymentWorld {
  const world = new InMemoryPayment();
  let nextSeat = 1;
  let nextToken = 1;
  const state = () => world.state;
  return {
    seats: world.seats,
    balances: world.balances,
    payments: world.payments,
    tokens: world.tokens,
    tx: (work) => world.transactions.run(work),
    async addUser(balance) {
      const id = randomUUID();
      state().balances.set(id, Money.parse(balance));
      return id;
    },
    async addSeat(seat) {
      const id = nextSeat++;
      const hold = { token: null, userId: null, expiresAt: null, bookSuccessAt: null };
      state().seats.set(id, {
        id,
        performanceId: 1000 + id,
        seatNumber: 1,
        price: Money.parse(seat.price),
        booked: seat.owner !== undefined,
        performanceDatetime: seat.performanceDatetime,
        hold: { ...hold, ...seat.hold },
      });
      if (seat.owner) state().owners.set(id, seat.owner);
      return { id, performanceId: 1000 + id, seatNumber: 1 };
    },
    async addLog(seatId, token, _userId, result) {
      state().logs.push({ token, seatId, result });
    },
    async addToken(token) {
      const id = nextToken++;
      state().tokens.set(id, { status: token.status, expiresAt: token.expiresAt, expiredAt: null });
      return id;
    },
    async balanceOf(userId) {
      return state().balances.get(userId)!.toString();
    },
    async ledgerOf(userId) {
      return state()
        .ledger.filter((row) => row.userId === userId)
        .map((row) => ({ amount: row.amount.toString(), paymentId: row.paymentId }));
    },
    async seatOf(seatId) {
      const seat = state().seats.get(seatId)!;
      return {
        booked: seat.booked,
        owner: state().owners.get(seatId) ?? null,
        soldAt: seat.hold.bookSuccessAt,
      };
    },
    async tokenOf(tokenId) {
      const token = state().tokens.get(tokenId)!;
      return { status: token.status, expiredAt: token.expiredAt };
    },
  };
}

function sqlWorld(t: TestApp): PaymentWorld {
  const runner = t.app.get(TransactionRunner);
  const db = t.db;
  return {
    seats: t.app.get(PayableSeatRepository),
    balances: t.app.get(BuyerBalanceRepository),
    payments: t.app.get(PaymentRepository),
    tokens: t.app.get(PayingTokenRepository),
    tx: (work) => runner.run(work),
    // The ledger of the starting balance is not the subject here: none is written.
    async addUser(balance) {
      const [{ id }] = await db.query('INSERT INTO users (balance) VALUES ($1) RETURNING id', [
        balance,
      ]);
      return id;
    },
    async addSeat(seat) {
      const concertId = await insertConcert(db);
      const { performanceId, seatIds } = await insertPerformance(db, concertId, {
        at: seat.performanceDatetime,
        seats: 1,
        price: seat.price,
      });
      const [id] = seatIds;
      if (seat.owner) {
        await setSeatOwner(db, id, seat.owner);
      }
      const hold = seat.hold ?? {};
      await setBookInfo(db, id, { ...hold, bookAttemptAt: hold.token ? at(-60) : null });
      return { id, performanceId, seatNumber: 1 };
    },
    async addLog(seatId, token, userId, result) {
      await db.query(
        `INSERT INTO performance_seat_book_logs
           (performance_seat_id, token, user_id, result, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)`,
        [seatId, token, userId, result, at(-60)],
      );
    },
    async addToken(token) {
      const [{ id }] = await db.query(
        `INSERT INTO user_queue_tokens
           (user_id, token, status, created_at, last_seen_at, activated_at, expires_at, expired_at)
         VALUES ($1, $2, $3, $4, $4, $4, $5, $6) RETURNING id`,
        [
          token.userId,
          newTokenValue(),
          token.status,
          at(-600),
          token.expiresAt,
          token.status === 'EXPIRED' ? at(-1) : null,
        ],
      );
      return Number(id);
    },
    async balanceOf(userId) {
      const [{ balance }] = await db.query('SELECT balance::text FROM users WHERE id = $1', [
        userId,
      ]);
      return Money.parse(balance).toString();
    },
    async ledgerOf(userId) {
      const rows = await db.query(
        'SELECT amount::text, payment_id FROM balance_ledger WHERE user_id = $1 ORDER BY id',
        [userId],
      );
      return rows.map((row: any) => ({
        amount: Money.parse(row.amount).toString(),
        paymentId: row.payment_id === null ? null : Number(row.payment_id),
      }));
    },
    async seatOf(seatId) {
      const [row] = await db.query(
        `SELECT s.booked, s.user_id, i.book_success_at
           FROM performance_seats s
           JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
          WHERE s.id = $1`,
        [seatId],
      );
      return { booked: row.booked, owner: row.user_id, soldAt: row.book_success_at };
    },
    async tokenOf(tokenId) {
      const [row] = await db.query(
        'SELECT status, expired_at FROM user_queue_tokens WHERE id = $1',
        [tokenId],
      );
      return { status: row.status, expiredAt: row.expired_at };
    },
  };
}

describeContract('payment ports contract', { inMemory: inMemoryWorld, typeorm: sqlWorld }, (w) => {
  /** A seat held by a fresh buyer whose token is still active. */
  async function heldSeat(price = '120.50') {
    const userId = await w.addUser('500.00');
    const token = newTokenValue();
    const seat = await w.addSeat({
      price,
      performanceDatetime: FUTURE,
      hold: { token, userId, expiresAt: at(300) },
    });
    return { seat, userId, token };
  }

  describe('PayableSeatRepository', () => {
    it('lockForPayment: the seat, its price, its start and its hold; null when unknown', async () => {
      const { seat, userId, token } = await heldSeat();
      await w.tx(async () => {
        const payable = await w.seats.lockForPayment(seat.id);
        expect({ ...payable, price: payable?.price.toString() }).toEqual({
          ...seat,
          price: '120.50',
          booked: false,
          performanceDatetime: FUTURE,
          hold: { token, userId, expiresAt: at(300), bookSuccessAt: null },
        });
        expect(await w.seats.lockForPayment(seat.id + 1000)).toBeNull();
      });
    });

    it('wasHeldBy: only a HELD or ALREADY_HELD attempt by this token on this seat counts', async () => {
      const { seat, userId, token } = await heldSeat();
      const other = await w.addSeat({ price: '1.00', performanceDatetime: FUTURE });
      const [held, renewed, lost] = [newTokenValue(), newTokenValue(), newTokenValue()];
      await w.addLog(seat.id, held, userId, 'HELD');
      await w.addLog(seat.id, renewed, userId, 'ALREADY_HELD');
      await w.addLog(seat.id, lost, userId, 'SEAT_HELD_BY_OTHER');
      await w.addLog(other.id, token, userId, 'HELD');
      await w.tx(async () => {
        expect(await w.seats.wasHeldBy(held, seat.id)).toBe(true);
        expect(await w.seats.wasHeldBy(renewed, seat.id)).toBe(true);
        expect(await w.seats.wasHeldBy(lost, seat.id)).toBe(false);
        expect(await w.seats.wasHeldBy(token, seat.id)).toBe(false);
      });
    });

    it("markSold: the holder's seat becomes theirs and its hold a sale", async () => {
      const { seat, userId, token } = await heldSeat();
      expect(await w.tx(() => w.seats.markSold(seat.id, userId, token, NOW))).toBe(true);
      expect(await w.seatOf(seat.id)).toEqual({ booked: true, owner: userId, soldAt: NOW });
    });

    it('markSold: refused for another token, and for a seat already sold', async () => {
      const { seat, userId, token } = await heldSeat();
      expect(await w.tx(() => w.seats.markSold(seat.id, userId, newTokenValue(), NOW))).toBe(false);
      expect(await w.seatOf(seat.id)).toEqual({ booked: false, owner: null, soldAt: null });
      await w.tx(() => w.seats.markSold(seat.id, userId, token, NOW));
      expect(await w.tx(() => w.seats.markSold(seat.id, userId, token, at(1)))).toBe(false);
      expect(await w.seatOf(seat.id)).toEqual({ booked: true, owner: userId, soldAt: NOW });
    });
  });

  describe('BuyerBalanceRepository', () => {
    it.each([
      ['a part of it', '500.00', '120.50', '379.50'],
      ['all of it', '120.50', '120.50', '0.00'],
    ])('debit takes %s and answers the new balance', async (_what, balance, amount, left) => {
      const userId = await w.addUser(balance);
      const after = await w.tx(() => w.balances.debit(userId, Money.parse(amount)));
      expect(after?.toString()).toBe(left);
      expect(await w.balanceOf(userId)).toBe(left);
    });

    it('debit answers null and changes nothing when the balance is short', async () => {
      const userId = await w.addUser('120.49');
      expect(await w.tx(() => w.balances.debit(userId, Money.parse('120.50')))).toBeNull();
      expect(await w.balanceOf(userId)).toBe('120.49');
    });

    it('appendPayment writes the payment as a negative ledger row pointing at it', async () => {
      const { seat, userId, token } = await heldSeat();
      const payment = await w.tx(async () => {
        const paid = await w.payments.record({
          userId,
          seatId: seat.id,
          token,
          amount: Money.parse('120.50'),
          paidAt: NOW,
        });
        await w.balances.appendPayment(userId, Money.parse('120.50'), paid.id, NOW);
        return paid;
      });
      expect(await w.ledgerOf(userId)).toEqual([{ amount: '-120.50', paymentId: payment.id }]);
    });
  });

  describe('PaymentRepository', () => {
    it('record then findByToken: the payment; null for a token that paid nothing', async () => {
      const { seat, userId, token } = await heldSeat();
      const input = { userId, seatId: seat.id, token, amount: Money.parse('120.50'), paidAt: NOW };
      const saved = await w.tx(() => w.payments.record(input));
      expect(saved).toMatchObject({ ...input, amount: expect.anything() });
      const found = await w.tx(() => w.payments.findByToken(token));
      expect({ ...found, amount: found?.amount.toString() }).toEqual({
        ...input,
        id: saved.id,
        amount: '120.50',
      });
      expect(await w.tx(() => w.payments.findByToken(newTokenValue()))).toBeNull();
    });

    it('record refuses a second payment for the seat, and a token that paid for another seat', async () => {
      const first = await heldSeat();
      const second = await heldSeat();
      const pay = (seatId: number, token: string) =>
        w.payments.record({
          userId: first.userId,
          seatId,
          token,
          amount: Money.parse('1.00'),
          paidAt: NOW,
        });
      await w.tx(() => pay(first.seat.id, first.token));
      await expect(w.tx(() => pay(first.seat.id, newTokenValue()))).rejects.toThrow(
        'Seat is already booked',
      );
      await expect(w.tx(() => pay(second.seat.id, first.token))).rejects.toThrow(
        'Token is invalid',
      );
      expect(await w.tx(() => w.payments.findByToken(second.token))).toBeNull();
    });
  });

  describe('PayingTokenRepository', () => {
    it('expireAfterPayment ends an active token at the payment time', async () => {
      const tokenId = await w.addToken({
        userId: await w.addUser('0.00'),
        status: 'IN_PROGRESS',
        expiresAt: at(1),
      });
      expect(await w.tx(() => w.tokens.expireAfterPayment(tokenId, NOW))).toBe(true);
      expect(await w.tokenOf(tokenId)).toEqual({ status: 'EXPIRED', expiredAt: NOW });
    });

    it.each([
      ['whose time ran out exactly now', 'IN_PROGRESS', 0],
      ['already EXPIRED', 'EXPIRED', 60],
    ] as const)('expireAfterPayment refuses a token %s', async (_what, status, expiresIn) => {
      const tokenId = await w.addToken({
        userId: await w.addUser('0.00'),
        status,
        expiresAt: at(expiresIn),
      });
      const before = await w.tokenOf(tokenId);
      expect(await w.tx(() => w.tokens.expireAfterPayment(tokenId, NOW))).toBe(false);
      expect(await w.tokenOf(tokenId)).toEqual(before);
    });
  });
});
