/**
 * Whether a token has paid, asked of the payment context (which owns `payments`). Implemented
 * there and provided to the queue by payment's lookup module, so that the queue never reads
 * another context's table and does not depend on the contexts that depend on it.
 */
export abstract class TokenPaymentLookup {
  abstract hasPayment(token: string): Promise<boolean>;
}
