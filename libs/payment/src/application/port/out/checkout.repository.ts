import { TokenStanding } from '@app/queue/domain';
import { PayableSeat, Payment } from '../../../domain/seat-payment';

/** The paying token's row as the checkout statement read it first (as last committed). */
export interface PayerStanding extends TokenStanding {
  tokenId: number;
}

/** What one checkout statement found and did (`CheckoutRepository.attempt`). */
export interface CheckoutAttempt {
  /**
   * The token's standing, or null for an unknown token. The caller answers 401/403 from it
   * first, as the guard would: nothing is locked or written for a token neither active nor
   * spent by a payment of its own.
   */
  payer: PayerStanding | null;
  /**
   * This token's payment as it stood when the statement began (the token is the idempotency
   * key). When it is for another seat, nothing else was read or locked.
   */
  earlier: Payment | null;
  /**
   * The seat with its hold, read once locked (as last committed); null for an unknown seat,
   * when `earlier` is for another seat, or when the token is neither active nor has paid.
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
 * A checkout in one statement, atomic on its own (no transaction around it), the request's
 * only round trip: it reads the token's standing, locks the seat's rows (book-info, then seat)
 * when the token is active or has paid, then the token's row, and writes only when the seat is
 * payable by the token (isPayableBy), the token is active and the balance covers the price:
 * the debit first (a short balance writes nothing), then the payment, its ledger row, the sale
 * and the token's expiry. The unique seat and token constraints of payments are the backstop:
 * a violation writes nothing and throws SeatAlreadyBookedError (seat) or TokenInvalidError
 * (token spent elsewhere).
 */
export abstract class CheckoutRepository {
  /** `token`: as presented (the route's guard only checked its format: ACTIVE_AT_WRITE). */
  abstract attempt(seatId: number, token: string, now: Date): Promise<CheckoutAttempt>;
}
