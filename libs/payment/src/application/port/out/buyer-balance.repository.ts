import { Money } from '@app/common/domain/money';

/** The buyer's prepaid balance and the ledger it is the sum of. */
export abstract class BuyerBalanceRepository {
  /**
   * Takes `amount` off the balance in one conditional statement and returns the new balance,
   * or null (and changes nothing) when the balance is short of it.
   */
  abstract debit(userId: string, amount: Money): Promise<Money | null>;
  /** The ledger row of a payment: a PAYMENT of -amount pointing at it. */
  abstract appendPayment(userId: string, amount: Money, paymentId: number, at: Date): Promise<void>;
}
