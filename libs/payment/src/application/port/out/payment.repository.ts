import { Payment } from '../../../domain/seat-payment';

export type NewPayment = Omit<Payment, 'id'>;

export abstract class PaymentRepository {
  /** The payment made with this token, if any: the token is the idempotency key. */
  abstract findByToken(token: string): Promise<Payment | null>;
  /**
   * Writes the payment. The unique seat and token constraints are the backstop: a violation
   * throws SeatAlreadyBookedError (seat) or TokenInvalidError (token spent elsewhere).
   */
  abstract record(payment: NewPayment): Promise<Payment>;
}
