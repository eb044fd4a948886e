import { Money } from '@app/common/domain/money';
import { BalanceLedgerRepository } from '@app/user/application/port/out/balance-ledger.repository';
import { UserAccountRepository } from '@app/user/application/port/out/user-account.repository';
import {
  BalanceLimitExceededError,
  MAX_BALANCE,
  BookedSeat,
  UserAccount,
} from '@app/user/domain/user-account';
import { FakeTransactionRunner } from './fake-transaction-runner';

/** In-memory accounts and ledger with a transaction that really rolls back on error. */
export class InMemoryBank {
  accounts = new Map<string, Money>();
  ledger: { userId: string; amount: Money }[] = [];
  paidSeats = new Map<string, BookedSeat[]>();
  private nextId = 1;

  readonly repository = new (class extends UserAccountRepository {
    constructor(private readonly bank: InMemoryBank) {
      super();
    }
    async create(balance: Money): Promise<UserAccount> {
      const id = `user-${this.bank.nextId++}`;
      this.bank.accounts.set(id, balance);
      return { id, balance };
    }
    async findById(id: string): Promise<UserAccount | null> {
      const balance = this.bank.accounts.get(id);
      return balance ? { id, balance } : null;
    }
    async credit(id: string, amount: Money): Promise<Money | null> {
      const balance = this.bank.accounts.get(id);
      if (!balance) return null;
      const next = balance.plus(amount);
      if (MAX_BALANCE.lessThan(next)) throw new BalanceLimitExceededError();
      this.bank.accounts.set(id, next);
      return next;
    }
    async findPaidSeats(userId: string): Promise<BookedSeat[]> {
      return [...(this.bank.paidSeats.get(userId) ?? [])].sort(
        (a, b) => a.bookSuccessAt.getTime() - b.bookSuccessAt.getTime() || a.id - b.id,
      );
    }
  })(this);

  readonly ledgerRepository = new (class extends BalanceLedgerRepository {
    constructor(private readonly bank: InMemoryBank) {
      super();
    }
    async appendCharge(userId: string, amount: Money): Promise<void> {
      this.bank.ledger.push({ userId, amount });
    }
  })(this);

  readonly transactions = new FakeTransactionRunner(() => {
    const accounts = new Map(this.accounts);
    const ledger = [...this.ledger];
    return () => {
      this.accounts = accounts;
      this.ledger = ledger;
    };
  });
}
