import { Money } from '@app/common/domain/money';
import { SeatAlreadyBookedError } from '@app/booking/domain';
import { TokenInvalidError } from '@app/queue/domain';
import { PayableSeat, Payment } from '@app/payment/domain/seat-payment';
import { BuyerBalanceRepository } from '@app/payment/application/port/out/buyer-balance.repository';
import { PayableSeatRepository } from '@app/payment/application/port/out/payable-seat.repository';
import { PayingTokenRepository } from '@app/payment/application/port/out/paying-token.repository';
import {
  NewPayment,
  PaymentRepository,
} from '@app/payment/application/port/out/payment.repository';
import { FakeTransactionRunner } from './fake-transaction-runner';

export interface PaymentTokenState {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'EXPIRED';
  expiresAt: Date;
  expiredAt: Date | null;
}

export interface PaymentState {
  seats: Map<number, PayableSeat>;
  balances: Map<string, Money>;
  ledger: { userId: string; amount: Money; paymentId: number; at: Date }[];
  payments: Payment[];
  tokens: Map<number, PaymentTokenState>;
  logs: { token: string; seatId: number; result: string }[];
  owners: Map<number, string>;
}

export function cloneState(state: PaymentState): PaymentState {
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
export class InMemoryPayment {
  state: PaymentState = {
    seats: new Map(),
    balances: new Map(),
    ledger: [],
    payments: [],
    tokens: new Map(),
    logs: [],
    owners: new Map(),
  };
  calls: string[] = [];

  private touch(name: string): void {
    if (!this.transactions.active) throw new Error(`${name} called outside a transaction`);
    this.calls.push(name);
  }

  readonly transactions = new FakeTransactionRunner(() => {
    const snapshot = cloneState(this.state);
    return () => {
      this.state = snapshot;
    };
  });

  readonly seats = new (class extends PayableSeatRepository {
    constructor(private readonly world: InMemoryPayment) {
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
    constructor(private readonly world: InMemoryPayment) {
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
    constructor(private readonly world: InMemoryPayment) {
      super();
    }
    async findByToken(token: string): Promise<Payment | null> {
      this.world.touch('payments.findByToken');
      return this.world.state.payments.find((payment) => payment.token === token) ?? null;
    }
    async record(payment: NewPayment): Promise<Payment> {
      this.world.touch('payments.record');
      // The unique seat and token constraints, answered as the adapter answers them.
      const { payments } = this.world.state;
      if (payments.some((paid) => paid.token === payment.token)) {
        throw new TokenInvalidError();
      }
      if (payments.some((paid) => paid.seatId === payment.seatId)) {
        throw new SeatAlreadyBookedError();
      }
      const saved = { id: payments.length + 1, ...payment };
      this.world.state.payments.push(saved);
      return saved;
    }
  })(this);

  readonly tokens = new (class extends PayingTokenRepository {
    constructor(private readonly world: InMemoryPayment) {
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
