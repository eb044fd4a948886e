import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Clock } from '@app/common/domain/clock';
import { Money } from '@app/common/domain/money';
import {
  PerformanceSeatNotFoundError,
  PerformanceStartedError,
  SeatAlreadyBookedError,
  SeatHeldByOtherError,
} from '@app/booking/domain';
import { TokenInvalidError } from '@app/queue/domain';
import {
  InsufficientBalanceError,
  QueueExpiredError,
  SeatNotHeldByTokenError,
} from '../domain/payment-errors';
import { PayableSeat, Payer, Payment } from '../domain/seat-payment';
import { PayForSeatUseCase } from './pay-for-seat.use-case';
import { BuyerBalanceRepository } from './port/out/buyer-balance.repository';
import { PayableSeatRepository } from './port/out/payable-seat.repository';
import { PayingTokenRepository } from './port/out/paying-token.repository';
import { NewPayment, PaymentRepository } from './port/out/payment.repository';

interface TokenState {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'EXPIRED';
  expiresAt: Date;
  expiredAt: Date | null;
}

interface State {
  seats: Map<number, PayableSeat>;
  balances: Map<string, Money>;
  ledger: { userId: string; amount: Money; paymentId: number; at: Date }[];
  payments: Payment[];
  tokens: Map<number, TokenState>;
  logs: { token: string; seatId: number; result: string }[];
  owners: Map<number, string>;
}

function cloneState(state: State): State {
  return {
    seats: new Map([...state.seats].map(([id, seat]) => [id, { ...seat, hold: { ...seat.hold } }])),
    balances: new Map(state.balances),
    ledger: state.ledger.map((row) => ({ ...row })),
    payments: state.payments.map((row) => ({ ...row })),
    tokens: new Map([...state.tokens].map(([id, token]) => [id, { ...token }])),
    logs: state.logs.map((row) => ({ ...row })),
    owners: new Map(state.owners),
  };
}

/**
 * The four out-ports over one in-memory state, and a transaction that really rolls back.
 * Every port call outside a transaction fails, so the tests prove the use case's one
 * transaction spans all of them; `calls` records their order.
 */
class InMemoryWorld {
  state: State = {
    seats: new Map(),
    balances: new Map(),
    ledger: [],
    payments: [],
    tokens: new Map(),
    logs: [],
    owners: new Map(),
  };
  calls: string[] = [];
  inTransaction = false;
  /** Makes PaymentRepository.record fail like a unique-constraint backstop would. */
  recordFails: Error | null = null;

  private touch(name: string): void {
    if (!this.inTransaction) throw new Error(`${name} called outside a transaction`);
    this.calls.push(name);
  }

  readonly transactions = new (class extends TransactionRunner {
    constructor(private readonly world: InMemoryWorld) {
      super();
    }
    async run<T>(work: () => Promise<T>): Promise<T> {
      const snapshot = cloneState(this.world.state);
      this.world.inTransaction = true;
      try {
        return await work();
      } catch (error) {
        this.world.state = snapshot;
        throw error;
      } finally {
        this.world.inTransaction = false;
      }
    }
  })(this);

  readonly seats = new (class extends PayableSeatRepository {
    constructor(private readonly world: InMemoryWorld) {
      super();
    }
    async lockForPayment(seatId: number): Promise<PayableSeat | null> {
      this.world.touch('seats.lockForPayment');
      const seat = this.world.state.seats.get(seatId);
      return seat ? { ...seat, hold: { ...seat.hold } } : null;
    }
    async wasHeldBy(token: string, seatId: number): Promise<boolean> {
      this.world.touch('seats.wasHeldBy');
      return this.world.state.logs.some(
        (log) =>
          log.token === token &&
          log.seatId === seatId &&
          (log.result === 'HELD' || log.result === 'ALREADY_HELD'),
      );
    }
    async markSold(seatId: number, userId: string, token: string, at: Date): Promise<boolean> {
      this.world.touch('seats.markSold');
      const seat = this.world.state.seats.get(seatId);
      if (!seat || seat.booked || seat.hold.token !== token || seat.hold.bookSuccessAt) {
        return false;
      }
      seat.booked = true;
      seat.hold.bookSuccessAt = at;
      this.world.state.owners.set(seatId, userId);
      return true;
    }
  })(this);

  readonly balances = new (class extends BuyerBalanceRepository {
    constructor(private readonly world: InMemoryWorld) {
      super();
    }
    async debit(userId: string, amount: Money): Promise<Money | null> {
      this.world.touch('balances.debit');
      const balance = this.world.state.balances.get(userId);
      if (!balance || balance.lessThan(amount)) return null;
      const next = balance.minus(amount);
      this.world.state.balances.set(userId, next);
      return next;
    }
    async appendPayment(userId: string, amount: Money, paymentId: number, at: Date) {
      this.world.touch('balances.appendPayment');
      this.world.state.ledger.push({ userId, amount: amount.negate(), paymentId, at });
    }
  })(this);

  readonly payments = new (class extends PaymentRepository {
    constructor(private readonly world: InMemoryWorld) {
      super();
    }
    async findByToken(token: string): Promise<Payment | null> {
      this.world.touch('payments.findByToken');
      return this.world.state.payments.find((payment) => payment.token === token) ?? null;
    }
    async record(payment: NewPayment): Promise<Payment> {
      this.world.touch('payments.record');
      if (this.world.recordFails) throw this.world.recordFails;
      const saved = { id: this.world.state.payments.length + 1, ...payment };
      this.world.state.payments.push(saved);
      return saved;
    }
  })(this);

  readonly tokens = new (class extends PayingTokenRepository {
    constructor(private readonly world: InMemoryWorld) {
      super();
    }
    async expireAfterPayment(tokenId: number, at: Date): Promise<boolean> {
      this.world.touch('tokens.expireAfterPayment');
      const token = this.world.state.tokens.get(tokenId);
      if (!token || token.status !== 'IN_PROGRESS' || token.expiresAt <= at) return false;
      token.status = 'EXPIRED';
      token.expiredAt = at;
      return true;
    }
  })(this);
}

class StubClock extends Clock {
  constructor(public current: Date) {
    super();
  }
  now(): Date {
    return this.current;
  }
}

const NOW = new Date('2030-01-01T12:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const SEAT = 10;
const PRICE = Money.parse('120.50');
const alice: Payer = { tokenId: 1, token: 'a'.repeat(32), userId: 'alice' };
const bob: Payer = { tokenId: 2, token: 'b'.repeat(32), userId: 'bob' };

describe('PayForSeatUseCase', () => {
  let world: InMemoryWorld;
  let clock: StubClock;
  let pay: PayForSeatUseCase;

  function addSeat(id: number, hold: Partial<PayableSeat['hold']> = {}, booked = false): void {
    world.state.seats.set(id, {
      id,
      performanceId: 3,
      seatNumber: id + 100,
      price: PRICE,
      booked,
      performanceDatetime: later(86_400),
      hold: { token: null, userId: null, expiresAt: null, bookSuccessAt: null, ...hold },
    });
  }

  function holdFor(payer: Payer, expiresAt = later(300)): Partial<PayableSeat['hold']> {
    world.state.logs.push({ token: payer.token, seatId: SEAT, result: 'HELD' });
    return { token: payer.token, userId: payer.userId, expiresAt };
  }

  /** Everything a refused payment must leave as it was. */
  function snapshot() {
    return cloneState(world.state);
  }

  beforeEach(() => {
    world = new InMemoryWorld();
    clock = new StubClock(NOW);
    pay = new PayForSeatUseCase(
      world.transactions,
      clock,
      world.seats,
      world.balances,
      world.payments,
      world.tokens,
    );
    world.state.balances.set('alice', Money.parse('500'));
    world.state.balances.set('bob', Money.parse('500'));
    world.state.tokens.set(1, { status: 'IN_PROGRESS', expiresAt: later(600), expiredAt: null });
    world.state.tokens.set(2, { status: 'IN_PROGRESS', expiresAt: later(600), expiredAt: null });
  });

  describe('with a live hold of this token', () => {
    beforeEach(() => addSeat(SEAT, holdFor(alice)));

    it('debits the price, records payment and ledger, sells the seat and expires the token', async () => {
      const result = await pay.execute(SEAT, alice);

      expect(result).toEqual({
        id: SEAT,
        concertPerformanceId: 3,
        seatNumber: 110,
        userId: 'alice',
      });
      expect(world.state.balances.get('alice')).toEqual(Money.parse('379.50'));
      expect(world.state.payments).toEqual([
        { id: 1, userId: 'alice', seatId: SEAT, token: alice.token, amount: PRICE, paidAt: NOW },
      ]);
      expect(world.state.ledger).toEqual([
        { userId: 'alice', amount: PRICE.negate(), paymentId: 1, at: NOW },
      ]);
      const seat = world.state.seats.get(SEAT)!;
      expect(seat.booked).toBe(true);
      expect(seat.hold.bookSuccessAt).toEqual(NOW);
      expect(world.state.owners.get(SEAT)).toBe('alice');
      expect(world.state.tokens.get(1)).toEqual({
        status: 'EXPIRED',
        expiresAt: later(600),
        expiredAt: NOW,
      });
    });

    it('looks for an earlier payment, locks the seat and debits before writing anything', async () => {
      await pay.execute(SEAT, alice);
      expect(world.calls).toEqual([
        'payments.findByToken',
        'seats.lockForPayment',
        'payments.findByToken',
        'balances.debit',
        'payments.record',
        'balances.appendPayment',
        'seats.markSold',
        'tokens.expireAfterPayment',
      ]);
    });

    it('is idempotent: a retry with the now expired token answers the same and charges nothing', async () => {
      const first = await pay.execute(SEAT, alice);
      const after = snapshot();
      clock.current = later(10);

      const retry = await pay.execute(SEAT, alice);

      expect(retry).toEqual(first);
      expect(world.state).toEqual(after);
    });

    it('pays one millisecond before the hold lapses', async () => {
      clock.current = new Date(later(300).getTime() - 1);
      await expect(pay.execute(SEAT, alice)).resolves.toMatchObject({ userId: 'alice' });
    });

    it('answers Queue expired at the very instant the hold lapses, charging nothing', async () => {
      clock.current = later(300);
      const before = snapshot();
      await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(QueueExpiredError);
      expect(world.state).toEqual(before);
    });

    it('answers Insufficient balance and changes nothing, leaving the hold in place', async () => {
      world.state.balances.set('alice', Money.parse('120.49'));
      const before = snapshot();
      await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(InsufficientBalanceError);
      expect(world.state).toEqual(before);
      expect(world.state.seats.get(SEAT)!.hold.token).toBe(alice.token);
    });

    it('spends a balance of exactly the price down to zero', async () => {
      world.state.balances.set('alice', PRICE);
      await pay.execute(SEAT, alice);
      expect(world.state.balances.get('alice')).toEqual(Money.ZERO);
    });

    it('answers Performance has already started once the performance began, changing nothing', async () => {
      world.state.seats.get(SEAT)!.performanceDatetime = later(60);
      clock.current = later(60);
      const before = snapshot();
      await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(PerformanceStartedError);
      expect(world.state).toEqual(before);
    });

    it('answers the retry of a payment made before the start after it with the same answer', async () => {
      world.state.seats.get(SEAT)!.performanceDatetime = later(60);
      const first = await pay.execute(SEAT, alice);
      clock.current = later(61);
      await expect(pay.execute(SEAT, alice)).resolves.toEqual(first);
    });

    it('rolls everything back when the token stopped being active meanwhile', async () => {
      world.state.tokens.get(1)!.expiresAt = NOW;
      const before = snapshot();
      await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(TokenInvalidError);
      expect(world.state).toEqual(before);
    });

    it('rolls the debit back when the unique constraints refuse the payment', async () => {
      world.recordFails = new SeatAlreadyBookedError();
      const before = snapshot();
      await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
      expect(world.state).toEqual(before);
    });
  });

  it('answers Token is invalid, before locking anything, when the token paid for another seat', async () => {
    addSeat(SEAT, holdFor(alice));
    addSeat(11);
    await pay.execute(SEAT, alice);
    const after = snapshot();
    world.calls.length = 0;
    await expect(pay.execute(11, alice)).rejects.toBeInstanceOf(TokenInvalidError);
    await expect(pay.execute(999, alice)).rejects.toBeInstanceOf(TokenInvalidError);
    expect(world.state).toEqual(after);
    expect(world.calls).toEqual(['payments.findByToken', 'payments.findByToken']);
  });

  it('answers Performance seat not found for an unknown seat', async () => {
    await expect(pay.execute(999, alice)).rejects.toBeInstanceOf(PerformanceSeatNotFoundError);
    expect(world.calls).toEqual(['payments.findByToken', 'seats.lockForPayment']);
  });

  it('answers Seat is already booked when someone else paid for it', async () => {
    addSeat(SEAT, { ...holdFor(bob), bookSuccessAt: NOW }, true);
    const before = snapshot();
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
    expect(world.state).toEqual(before);
  });

  it('answers Seat is already booked even to the token that held it before the sale', async () => {
    world.state.logs.push({ token: alice.token, seatId: SEAT, result: 'HELD' });
    addSeat(SEAT, { ...holdFor(bob), bookSuccessAt: NOW }, true);
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
  });

  it('answers Other user is booking the seat while another token holds it, live', async () => {
    addSeat(SEAT, holdFor(bob));
    const before = snapshot();
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatHeldByOtherError);
    expect(world.state).toEqual(before);
  });

  it("answers Seat is not held by this token on another token's lapsed hold", async () => {
    addSeat(SEAT, holdFor(bob, later(-1)));
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });

  it('answers Seat is not held by this token on a free seat it never held', async () => {
    addSeat(SEAT);
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });

  it.each(['HELD', 'ALREADY_HELD'])(
    'answers Queue expired once a hold logged %s was released',
    async (result) => {
      addSeat(SEAT);
      world.state.logs.push({ token: alice.token, seatId: SEAT, result });
      const before = snapshot();
      await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(QueueExpiredError);
      expect(world.state).toEqual(before);
    },
  );

  it('answers Queue expired when the released seat was taken over by a lapsed hold of another', async () => {
    world.state.logs.push({ token: alice.token, seatId: SEAT, result: 'HELD' });
    addSeat(SEAT, holdFor(bob, later(-1)));
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(QueueExpiredError);
  });

  it('does not count a lost booking attempt as a hold', async () => {
    addSeat(SEAT);
    world.state.logs.push({ token: alice.token, seatId: SEAT, result: 'SEAT_HELD_BY_OTHER' });
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });

  it("does not count another seat's hold", async () => {
    addSeat(SEAT);
    world.state.logs.push({ token: alice.token, seatId: 11, result: 'HELD' });
    await expect(pay.execute(SEAT, alice)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });
});
