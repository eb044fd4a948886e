import { Payment } from '../../../domain/seat-payment';

/** The payments made (the writes are the checkout's one statement: CheckoutRepository). */
export abstract class PaymentRepository {
  /** The payment made with this token, if any: the token is the idempotency key. */
  abstract findByToken(token: string): Promise<Payment | null>;
}
