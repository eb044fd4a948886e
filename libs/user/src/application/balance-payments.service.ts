import { Injectable } from '@nestjs/common';
import { Money } from '@app/common/domain/money';
import { BalanceDebitRepository } from './port/out/balance-debit.repository';

/**
 * What the user context offers a checkout: paying from the prepaid balance. The user context
 * owns `users` and `balance_ledger`; payment calls this (inside its own transaction, which
 * both statements join) and never writes either table itself.
 */
@Injectable()
export class BalancePayments {
  constructor(private readonly debits: BalanceDebitRepository) {}

  /** The new balance, or null (nothing changed) when it is short of `amount`. */
  debit(userId: string, amount: Money): Promise<Money | null> {
    return this.debits.debit(userId, amount);
  }

  /** The ledger row of payment `paymentId`, so that the balance stays the sum of its ledger. */
  recordPayment(userId: string, amount: Money, paymentId: number, at: Date): Promise<void> {
    return this.debits.appendPayment(userId, amount, paymentId, at);
  }
}
