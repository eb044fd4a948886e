import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import {
  PerformanceSeatNotFoundError,
  PerformanceStartedError,
  SeatAlreadyBookedError,
  SeatHeldByOtherError,
} from '@app/booking/domain';
import { refuseUnlessActive, TokenInvalidError } from '@app/queue/domain';
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
import { CheckoutRepository } from './port/out/checkout.repository';
import { PayableSeatRepository } from './port/out/payable-seat.repository';
import { PaymentRepository } from './port/out/payment.repository';

/**
 * Checkout: the price leaves the balance, the seat becomes the buyer's, a payment and its
 * ledger row are written and the token's queue session ends, all in one statement, which is
 * its own transaction (CheckoutRepository). It writes only what its locked rows allow, so
 * concurrent payments, holds, releases and charges are serialised by the database, on one
 * instance or many; this class then tells the answer from what the statement saw. Only the
 * rare answers read on: a payment of this token that committed while the statement waited
 * (its retry), and a released hold (the booking log).
 */
@Injectable()
export class PayForSeatUseCase {
  constructor(
    private readonly clock: Clock,
    private readonly checkout: CheckoutRepository,
    private readonly seats: PayableSeatRepository,
    private readonly payments: PaymentRepository,
  ) {}

  /**
   * `token`: as presented, well-formed but not yet checked. It is answered for first: 401 for
   * an unknown token, or one neither active nor spent by a payment of its own (whose retry
   * gets its original answer); 403 while still in queue.
   */
  async execute(seatId: number, token: string): Promise<PaidSeat> {
    const now = this.clock.now();
    const attempt = await this.checkout.attempt(seatId, token, now);
    const { earlier, seat } = attempt;
    // The guard's answers, from the token as the statement read it; a token spent by a payment
    // of its own passes, for that payment's retry.
    refuseUnlessActive(attempt.payer, now, { paid: earlier !== null });
    const payer: Payer = { tokenId: attempt.payer.tokenId, token, userId: attempt.payer.userId };
    // A token that has paid is spent: apart from the retry of its own payment it is invalid
    // like any expired token, and is told so before it takes (or waits for) any row lock.
    if (earlier && earlier.seatId !== seatId) throw new TokenInvalidError();
    if (!seat) throw new PerformanceSeatNotFoundError();

    // Idempotency first: a retry gets the original answer and pays nothing. A first payment of
    // this token may have committed while the statement waited for the seat's lock: it expired
    // the token, so an inactive token's payment is read again, now.
    const previous =
      earlier ?? (attempt.tokenActive ? null : await this.payments.findByToken(payer.token));
    if (previous) {
      if (previous.seatId !== seat.id) throw new TokenInvalidError();
      return paidSeat(seat, previous.userId);
    }

    if (isSold(seat)) throw new SeatAlreadyBookedError();
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

    // A token past its TTL pays nothing: the statement wrote nothing.
    if (!attempt.tokenActive) throw new TokenInvalidError();
    // The debit is the statement's first write: when it fails, nothing at all has changed.
    if (attempt.paymentId === null) throw new InsufficientBalanceError();
    return paidSeat(seat, payer.userId);
  }
}
