import { Money } from '@app/common/domain/money';
import { SeatAlreadyBookedError } from '@app/booking/domain';
import { isActive, TokenInvalidError } from '@app/queue/domain';
import { isPayableBy, PayableSeat, Payment } from '@app/payment/domain/seat-payment';
import {
  CheckoutAttempt,
  CheckoutRepository,
} from '@app/payment/application/port/out/checkout.repository';
import { PayableSeatRepository } from '@app/payment/application/port/out/payable-seat.repository';
import { PaymentRepository } from '@app/payment/application/port/out/payment.repository';

export interface PaymentTokenState {
  token: string;
  userId: string;
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'EXPIRED';
  expiresAt: Date | null;
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
 * Payment's out-ports over one in-memory state: the checkout's one statement, atomic (all of
 * it or nothing), and the reads the use case may add (the token's payment, the booking log).
 * `calls` records their order.
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

  readonly seats = new (class extends PayableSeatRepository {
    constructor(private readonly world: InMemoryPayment) {
      super();
    }
    async wasHeldBy(token: string, seatId: number): Promise<boolean> {
      this.world.calls.push('seats.wasHeldBy');
      return this.world.state.logs.some(
        (log) =>
          log.token === token &&
          log.seatId === seatId &&
          (log.result === 'HELD' || log.result === 'ALREADY_HELD'),
      );
    }
  })(this);

  readonly payments = new (class extends PaymentRepository {
    constructor(private readonly world: InMemoryPayment) {
      super();
    }
    async findByToken(token: string): Promise<Payment | null> {
      this.world.calls.push('payments.findByToken');
      return this.world.state.payments.find((payment) => payment.token === token) ?? null;
    }
  })(this);

  /**
   * The checkout's one statement over the state, atomic like it: it mirrors the SQL of
   * TypeOrmCheckoutRepository (the contract tests hold both to the same cases), and writes all
   * of the checkout or nothing.
   */
  readonly checkout = new (class extends CheckoutRepository {
    constructor(private readonly world: InMemoryPayment) {
      super();
    }
    async attempt(seatId: number, value: string, now: Date): Promise<CheckoutAttempt> {
      this.world.calls.push('checkout.attempt');
      const { state } = this.world;
      // The token's row as committed, read first (the SQL's `tok`).
      const found = [...state.tokens].find(([, token]) => token.token === value);
      const payer = found
        ? {
            tokenId: found[0],
            userId: found[1].userId,
            status: found[1].status,
            expiresAt: found[1].expiresAt,
          }
        : null;
      const earlier = state.payments.find((payment) => payment.token === value) ?? null;
      const nothing = { payer, earlier, seat: null, tokenActive: false, paymentId: null };
      if (earlier && earlier.seatId !== seatId) return nothing;
      // Neither active nor spent by a payment of its own: no lock, nothing read.
      if (!earlier && !(payer && isActive(payer, now))) return nothing;
      const stored = state.seats.get(seatId);
      if (!stored) return nothing;
      const seat = { ...stored, hold: { ...stored.hold } };
      const token = found![1];
      const tokenActive = isActive(token, now);
      const userId = token.userId;
      const balance = state.balances.get(userId);
      if (
        earlier ||
        !tokenActive ||
        !isPayableBy(seat, value, now) ||
        !balance ||
        balance.lessThan(seat.price)
      ) {
        return { payer, earlier, seat, tokenActive, paymentId: null };
      }
      // The unique seat and token constraints: a violation writes nothing.
      if (state.payments.some((paid) => paid.token === value)) throw new TokenInvalidError();
      if (state.payments.some((paid) => paid.seatId === seatId)) throw new SeatAlreadyBookedError();
      const paymentId = state.payments.length + 1;
      state.balances.set(userId, balance.minus(seat.price));
      state.payments.push({
        id: paymentId,
        userId,
        seatId,
        token: value,
        amount: seat.price,
        paidAt: now,
      });
      state.ledger.push({ userId, amount: seat.price.negate(), paymentId, at: now });
      stored.booked = true;
      stored.hold.bookSuccessAt = now;
      state.owners.set(seatId, userId);
      token.status = 'EXPIRED';
      token.expiredAt = now;
      return { payer, earlier, seat, tokenActive, paymentId };
    }
  })(this);
}
