import { Money } from '@app/common/domain/money';

/** A purchase paid from the balance: the debit and its ledger row (users, balance_ledger). */
export abstract class BalanceDebitRepository {
  /**
   * Takes `amount` off the balance in one conditional statement and returns the new balance,
   * or null (and changes nothing) when the balance is short of it.
   */
  abstract debit(userId: string, amount: Money): Promise<Money | null>;
  /** The ledger row of a payment: a PAYMENT of -amount pointing at it. */
  abstract appendPayment(userId: string, amount: Money, paymentId: number, at: Date): Promise<void>;
}
