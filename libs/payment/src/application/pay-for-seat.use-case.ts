import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Clock } from '@app/common/domain/clock';
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
import {
  hasStarted,
  holdStanding,
  isSold,
  PaidSeat,
  paidSeat,
  Payer,
} from '../domain/seat-payment';
import { BuyerBalanceRepository } from './port/out/buyer-balance.repository';
import { PayableSeatRepository } from './port/out/payable-seat.repository';
import { PayingTokenRepository } from './port/out/paying-token.repository';
import { PaymentRepository } from './port/out/payment.repository';

/**
 * Checkout: the price leaves the balance, the seat becomes the buyer's, a payment and its
 * ledger row are written and the token's queue session ends, all in one transaction. Every
 * decision is taken on rows locked by that transaction, so concurrent payments, holds,
 * releases and charges are serialised by the database, on one instance or many.
 */
@Injectable()
export class PayForSeatUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    private readonly seats: PayableSeatRepository,
    private readonly balances: BuyerBalanceRepository,
    private readonly payments: PaymentRepository,
    private readonly tokens: PayingTokenRepository,
  ) {}

  async execute(seatId: number, payer: Payer): Promise<PaidSeat> {
    return this.transactions.run(async () => {
      // A token that has paid is spent: apart from the retry of its own payment it is invalid
      // like any expired token, and is told so before it takes (or waits for) any row lock.
      const earlier = await this.payments.findByToken(payer.token);
      if (earlier && earlier.seatId !== seatId) throw new TokenInvalidError();

      const seat = await this.seats.lockForPayment(seatId);
      if (!seat) throw new PerformanceSeatNotFoundError();

      // Idempotency first: a retry gets the original answer and pays nothing. Read again under
      // the seat lock: a first payment of this token may have committed while we waited.
      const previous = earlier ?? (await this.payments.findByToken(payer.token));
      if (previous) {
        if (previous.seatId !== seat.id) throw new TokenInvalidError();
        return paidSeat(seat, previous.userId);
      }

      if (isSold(seat)) throw new SeatAlreadyBookedError();
      const now = this.clock.now();
      // A hold taken just before the start may outlive it; the seat can no longer be paid for.
      if (hasStarted(seat, now)) throw new PerformanceStartedError();
      switch (holdStanding(seat, payer.token, now)) {
        case 'OTHERS_LIVE':
          throw new SeatHeldByOtherError();
        case 'OURS_LAPSED':
          throw new QueueExpiredError();
        case 'NOT_OURS':
          // Released after lapsing, or never held: only the booking log remembers.
          if (await this.seats.wasHeldBy(payer.token, seat.id)) throw new QueueExpiredError();
          throw new SeatNotHeldByTokenError();
        case 'OURS_LIVE':
          break;
      }

      // The debit is the first write: when it fails, nothing at all has changed.
      const balance = await this.balances.debit(payer.userId, seat.price);
      if (balance === null) throw new InsufficientBalanceError();
      const payment = await this.payments.record({
        userId: payer.userId,
        seatId: seat.id,
        token: payer.token,
        amount: seat.price,
        paidAt: now,
      });
      await this.balances.appendPayment(payer.userId, seat.price, payment.id, now);
      if (!(await this.seats.markSold(seat.id, payer.userId, payer.token, now))) {
        throw new SeatAlreadyBookedError();
      }
      // A token past its TTL pays nothing: throwing rolls every write above back.
      if (!(await this.tokens.expireAfterPayment(payer.tokenId, now))) {
        throw new TokenInvalidError();
      }
      return paidSeat(seat, payer.userId);
    });
  }
}
