import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Money } from '@app/common/domain/money';
import { assertChargeable, UserNotFoundError } from '../domain/user-account';
import { BalanceLedgerRepository } from './port/out/balance-ledger.repository';
import { UserAccountRepository } from './port/out/user-account.repository';

/** Tops up a prepaid balance: the balance and its ledger row change together or not at all. */
@Injectable()
export class ChargeBalanceUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly accounts: UserAccountRepository,
    private readonly ledger: BalanceLedgerRepository,
  ) {}

  async execute(userId: string, amount: Money): Promise<Money> {
    assertChargeable(amount);
    return this.transactions.run(async () => {
      const balance = await this.accounts.credit(userId, amount);
      if (balance === null) throw new UserNotFoundError();
      await this.ledger.appendCharge(userId, amount);
      return balance;
    });
  }
}
