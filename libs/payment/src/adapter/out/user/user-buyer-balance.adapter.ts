import { Injectable } from '@nestjs/common';
import { Money } from '@app/common/domain/money';
import { BalancePayments } from '@app/user';
import { BuyerBalanceRepository } from '../../../application/port/out/buyer-balance.repository';

/** The buyer's balance, through the user context that owns it (users, balance_ledger). */
@Injectable()
export class UserBuyerBalanceAdapter extends BuyerBalanceRepository {
  constructor(private readonly balances: BalancePayments) {
    super();
  }

  debit(userId: string, amount: Money): Promise<Money | null> {
    return this.balances.debit(userId, amount);
  }

  appendPayment(userId: string, amount: Money, paymentId: number, at: Date): Promise<void> {
    return this.balances.recordPayment(userId, amount, paymentId, at);
  }
}
