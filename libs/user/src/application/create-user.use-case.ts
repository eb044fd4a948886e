import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { InvalidRequestError } from '@app/common/domain/domain-error';
import { Money } from '@app/common/domain/money';
import { MAX_BALANCE, UserAccount } from '../domain/user-account';
import { BalanceLedgerRepository } from './port/out/balance-ledger.repository';
import { UserAccountRepository } from './port/out/user-account.repository';

/** Admin: a new user, with an opening balance recorded in the ledger like any charge. */
@Injectable()
export class CreateUserUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly accounts: UserAccountRepository,
    private readonly ledger: BalanceLedgerRepository,
  ) {}

  async execute(openingBalance: Money = Money.ZERO): Promise<UserAccount> {
    if (openingBalance.isNegative()) throw new InvalidRequestError('balance must not be negative');
    if (MAX_BALANCE.lessThan(openingBalance)) {
      throw new InvalidRequestError(`balance must not exceed ${MAX_BALANCE.toString()}`);
    }
    return this.transactions.run(async () => {
      const account = await this.accounts.create(openingBalance);
      if (openingBalance.isPositive()) await this.ledger.appendCharge(account.id, openingBalance);
      return account;
    });
  }
}
