import { randomUUID } from 'node:crypto';
import { Money } from '@app/common/domain/money';
import { CheckoutRepository } from '@app/payment/application/port/out/checkout.repository';
import { PayableSeatRepository } from '@app/payment/application/port/out/payable-seat.repository';
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
  checkout: CheckoutRepository;
  seats: PayableSeatRepository;
  payments: PaymentRepository;
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
    token: string;
    status: 'IN_PROGRESS' | 'EXPIRED';
    expiresAt: Date;
  }): Promise<number>;
  /** A payment row alone, as if the seat and the token had not followed (the backstop's case). */
  addPayment(payment: { userId: string; seatId: number; token: string }): Promise<void>;
  paymentsOf(userId: string): Promise<number>;
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
    checkout: world.checkout,
    seats: world.seats,
    payments: world.payments,
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
      state().tokens.set(id, {
        token: token.token,
        userId: token.userId,
        status: token.status,
        expiresAt: token.expiresAt,
        expiredAt: null,
      });
      return id;
    },
    async addPayment(payment) {
      state().payments.push({
        id: state().payments.length + 1,
        ...payment,
        amount: Money.parse('1.00'),
        paidAt: at(-60),
      });
    },
    async paymentsOf(userId) {
      return state().payments.filter((payment) => payment.userId === userId).length;
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
  const db = t.db;
  return {
    checkout: t.app.get(CheckoutRepository),
    seats: t.app.get(PayableSeatRepository),
    payments: t.app.get(PaymentRepository),
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
          token.token,
          token.status,
          at(-600),
          token.expiresAt,
          token.status === 'EXPIRED' ? at(-1) : null,
        ],
      );
      return Number(id);
    },
    async addPayment(payment) {
      await db.query(
        `INSERT INTO payments (user_id, performance_seat_id, token, amount, paid_at)
         VALUES ($1, $2, $3, 1.00, $4)`,
        [payment.userId, payment.seatId, payment.token, at(-60)],
      );
    },
    async paymentsOf(userId) {
      const [{ count }] = await db.query(
        'SELECT count(*)::int AS count FROM payments WHERE user_id = $1',
        [userId],
      );
      return count;
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
  /** A seat held by a fresh buyer whose token is still active (for ten minutes). */
  async function heldSeat(
    options: {
      price?: string;
      balance?: string;
      expiresIn?: number;
      tokenExpiresIn?: number;
      performanceDatetime?: Date;
    } = {},
  ) {
    const userId = await w.addUser(options.balance ?? '500.00');
    const token = newTokenValue();
    const seat = await w.addSeat({
      price: options.price ?? '120.50',
      performanceDatetime: options.performanceDatetime ?? FUTURE,
      hold: { token, userId, expiresAt: at(options.expiresIn ?? 300) },
    });
    const tokenId = await w.addToken({
      userId,
      token,
      status: 'IN_PROGRESS',
      expiresAt: at(options.tokenExpiresIn ?? 600),
    });
    return { seat, payer: { tokenId, token, userId } };
  }

  /** Everything a checkout may write, for one buyer and seat. */
  async function outcome(seatId: number, userId: string, tokenId: number) {
    return {
      balance: await w.balanceOf(userId),
      ledger: await w.ledgerOf(userId),
      payments: await w.paymentsOf(userId),
      seat: await w.seatOf(seatId),
      token: await w.tokenOf(tokenId),
    };
  }

  /** The token's standing as the checkout reads it, for a payer of heldSeat. */
  const standing = (
    payer: { tokenId: number; userId: string },
    status: 'IN_PROGRESS' | 'EXPIRED' = 'IN_PROGRESS',
    expiresIn = 600,
  ) => ({ tokenId: payer.tokenId, userId: payer.userId, status, expiresAt: at(expiresIn) });

  describe('CheckoutRepository', () => {
    it('attempt pays in full: the debit, the payment, its ledger row, the sale, the token expiry', async () => {
      const { seat, payer } = await heldSeat();
      const attempt = await w.checkout.attempt(seat.id, payer.token, NOW);
      expect(attempt.paymentId).toEqual(expect.any(Number));
      expect(attempt).toMatchObject({ payer: standing(payer), earlier: null, tokenActive: true });
      expect({ ...attempt.seat, price: attempt.seat?.price.toString() }).toEqual({
        ...seat,
        price: '120.50',
        booked: false,
        performanceDatetime: FUTURE,
        hold: { token: payer.token, userId: payer.userId, expiresAt: at(300), bookSuccessAt: null },
      });
      expect(await outcome(seat.id, payer.userId, payer.tokenId)).toEqual({
        balance: '379.50',
        ledger: [{ amount: '-120.50', paymentId: attempt.paymentId }],
        payments: 1,
        seat: { booked: true, owner: payer.userId, soldAt: NOW },
        token: { status: 'EXPIRED', expiredAt: NOW },
      });
      const payment = await w.payments.findByToken(payer.token);
      expect({ ...payment, amount: payment?.amount.toString() }).toEqual({
        id: attempt.paymentId,
        userId: payer.userId,
        seatId: seat.id,
        token: payer.token,
        amount: '120.50',
        paidAt: NOW,
      });
    });

    it('attempt spends a balance of exactly the price down to zero', async () => {
      const { seat, payer } = await heldSeat({ balance: '120.50' });
      expect((await w.checkout.attempt(seat.id, payer.token, NOW)).paymentId).not.toBeNull();
      expect(await w.balanceOf(payer.userId)).toBe('0.00');
    });

    it.each([
      ['a balance short of the price', { balance: '120.49' }],
      ['a hold lapsed exactly now', { expiresIn: 0 }],
    ] as const)('attempt writes nothing for %s', async (_what, options) => {
      const { seat, payer } = await heldSeat(options);
      const before = await outcome(seat.id, payer.userId, payer.tokenId);
      expect(await w.checkout.attempt(seat.id, payer.token, NOW)).toMatchObject({
        payer: standing(payer),
        earlier: null,
        seat: { id: seat.id },
        tokenActive: true,
        paymentId: null,
      });
      expect(await outcome(seat.id, payer.userId, payer.tokenId)).toEqual(before);
    });

    it('attempt locks and writes nothing for a token past its TTL exactly now, and says how it stands', async () => {
      const { seat, payer } = await heldSeat({ tokenExpiresIn: 0 });
      const before = await outcome(seat.id, payer.userId, payer.tokenId);
      expect(await w.checkout.attempt(seat.id, payer.token, NOW)).toEqual({
        payer: standing(payer, 'IN_PROGRESS', 0),
        earlier: null,
        seat: null,
        tokenActive: false,
        paymentId: null,
      });
      expect(await outcome(seat.id, payer.userId, payer.tokenId)).toEqual(before);
    });

    it('attempt: an unknown token is null, and nothing is read or written', async () => {
      const { seat, payer } = await heldSeat();
      expect(await w.checkout.attempt(seat.id, newTokenValue(), NOW)).toEqual({
        payer: null,
        earlier: null,
        seat: null,
        tokenActive: false,
        paymentId: null,
      });
      expect(await w.balanceOf(payer.userId)).toBe('500.00');
    });

    it("attempt writes nothing on another token's live hold, a sold seat, a started performance", async () => {
      const { seat: held, payer } = await heldSeat();
      // A user holds one seat at most: the started performance's hold is another payer's.
      const { seat: started, payer: early } = await heldSeat({ performanceDatetime: NOW });
      const other = { token: newTokenValue(), userId: await w.addUser('0.00'), expiresAt: at(60) };
      const attempts = [
        {
          payer,
          seat: await w.addSeat({ price: '1.00', performanceDatetime: FUTURE, hold: other }),
        },
        {
          payer,
          seat: await w.addSeat({
            price: '1.00',
            performanceDatetime: FUTURE,
            hold: { ...other, userId: payer.userId, token: payer.token, bookSuccessAt: at(-1) },
            owner: payer.userId,
          }),
        },
        { payer: early, seat: started },
      ];
      for (const { payer: who, seat } of attempts) {
        expect(await w.checkout.attempt(seat.id, who.token, NOW)).toMatchObject({
          seat: { id: seat.id },
          tokenActive: true,
          paymentId: null,
        });
      }
      for (const [seat, who] of [
        [held, payer],
        [started, early],
      ] as const) {
        expect(await outcome(seat.id, who.userId, who.tokenId)).toMatchObject({
          balance: '500.00',
          payments: 0,
          token: { status: 'IN_PROGRESS' },
        });
      }
    });

    it('attempt: an unknown seat is null, and nothing is written', async () => {
      const { seat, payer } = await heldSeat();
      expect(await w.checkout.attempt(seat.id + 1000, payer.token, NOW)).toEqual({
        payer: standing(payer),
        earlier: null,
        seat: null,
        tokenActive: false,
        paymentId: null,
      });
      expect(await w.balanceOf(payer.userId)).toBe('500.00');
    });

    it("attempt: a retry answers the token's payment, with the seat, and writes nothing again", async () => {
      const { seat, payer } = await heldSeat();
      const first = await w.checkout.attempt(seat.id, payer.token, NOW);
      const after = await outcome(seat.id, payer.userId, payer.tokenId);
      const retry = await w.checkout.attempt(seat.id, payer.token, at(1));
      expect(retry).toMatchObject({
        payer: { ...standing(payer, 'EXPIRED'), tokenId: payer.tokenId },
        earlier: { id: first.paymentId, seatId: seat.id, userId: payer.userId },
        seat: { id: seat.id, booked: true },
        tokenActive: false,
        paymentId: null,
      });
      expect(await outcome(seat.id, payer.userId, payer.tokenId)).toEqual(after);
    });

    it('attempt: a token that paid for another seat gets its payment and no seat', async () => {
      const { seat, payer } = await heldSeat();
      const first = await w.checkout.attempt(seat.id, payer.token, NOW);
      const other = await w.addSeat({ price: '1.00', performanceDatetime: FUTURE });
      expect(await w.checkout.attempt(other.id, payer.token, NOW)).toEqual({
        payer: standing(payer, 'EXPIRED'),
        earlier: expect.objectContaining({ id: first.paymentId, seatId: seat.id }),
        seat: null,
        tokenActive: false,
        paymentId: null,
      });
    });

    it('attempt: the unique seat constraint refuses a payment the seat rows do not show, and nothing is written', async () => {
      const { seat, payer } = await heldSeat();
      // A payment for the seat that its book-info and seat rows do not show (as no checkout
      // leaves it): the backstop of the seat's lock.
      await w.addPayment({ userId: payer.userId, seatId: seat.id, token: newTokenValue() });
      const before = await outcome(seat.id, payer.userId, payer.tokenId);
      await expect(w.checkout.attempt(seat.id, payer.token, NOW)).rejects.toThrow(
        'Seat is already booked',
      );
      expect(await outcome(seat.id, payer.userId, payer.tokenId)).toEqual(before);
    });
  });

  describe('PayableSeatRepository', () => {
    it('wasHeldBy: only a HELD or ALREADY_HELD attempt by this token on this seat counts', async () => {
      const { seat, payer } = await heldSeat();
      const { userId, token } = payer;
      const other = await w.addSeat({ price: '1.00', performanceDatetime: FUTURE });
      const [held, renewed, lost] = [newTokenValue(), newTokenValue(), newTokenValue()];
      await w.addLog(seat.id, held, userId, 'HELD');
      await w.addLog(seat.id, renewed, userId, 'ALREADY_HELD');
      await w.addLog(seat.id, lost, userId, 'SEAT_HELD_BY_OTHER');
      await w.addLog(other.id, token, userId, 'HELD');
      expect(await w.seats.wasHeldBy(held, seat.id)).toBe(true);
      expect(await w.seats.wasHeldBy(renewed, seat.id)).toBe(true);
      expect(await w.seats.wasHeldBy(lost, seat.id)).toBe(false);
      expect(await w.seats.wasHeldBy(token, seat.id)).toBe(false);
    });
  });

  describe('PaymentRepository', () => {
    it('findByToken: null for a token that paid nothing', async () => {
      expect(await w.payments.findByToken(newTokenValue())).toBeNull();
    });
  });
});
