import { PayableSeat, Payer, Payment } from '../../../domain/seat-payment';

/** What one checkout statement found and did (`CheckoutRepository.attempt`). */
export interface CheckoutAttempt {
  /**
   * This token's payment as it stood when the statement began (the token is the idempotency
   * key). When it is for another seat, nothing else was read or locked.
   */
  earlier: Payment | null;
  /**
   * The seat with its hold, read once locked (as last committed); null for an unknown seat, or
   * when `earlier` is for another seat.
   */
  seat: PayableSeat | null;
  /** Whether the paying token was active at `now`, read under its row lock; false if not read. */
  tokenActive: boolean;
  /**
   * The id of the payment written, when the whole checkout was: the debit, the payment, its
   * ledger row, the sale and the end of the token's session. Null when nothing was written.
   */
  paymentId: number | null;
}

/**
 * A checkout in one statement, atomic on its own (no transaction around it): it locks the
 * seat's rows (book-info, then seat), then the token's row, and writes only when the seat is
 * payable by the token (isPayableBy), the token is active and the balance covers the price:
 * the debit first (a short balance writes nothing), then the payment, its ledger row, the sale
 * and the token's expiry. The unique seat and token constraints of payments are the backstop:
 * a violation writes nothing and throws SeatAlreadyBookedError (seat) or TokenInvalidError
 * (token spent elsewhere).
 */
export abstract class CheckoutRepository {
  abstract attempt(seatId: number, payer: Payer, now: Date): Promise<CheckoutAttempt>;
}
