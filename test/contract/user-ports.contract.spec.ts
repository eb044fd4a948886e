import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { Money } from '@app/common/domain/money';
import { BalanceLedgerRepository } from '@app/user/application/port/out/balance-ledger.repository';
import { UserAccountRepository } from '@app/user/application/port/out/user-account.repository';
import { MAX_BALANCE, BookedSeat } from '@app/user/domain/user-account';
import { InMemoryBank } from '../support/fakes/in-memory-bank';
import {
  insertConcert,
  insertPerformance,
  newTokenValue,
  setBookInfo,
  setSeatOwner,
} from '../support/fixtures';
import { TestApp } from '../support/test-app';
import { describeContract } from './describe-contract';

/**
 * The user context's out-ports: the in-memory fake and the TypeORM adapter on PostgreSQL
 * answer the same cases the same way.
 */
interface UserWorld {
  accounts: UserAccountRepository;
  ledger: BalanceLedgerRepository;
  tx<T>(work: () => Promise<T>): Promise<T>;
  /** The user's ledger amounts, oldest first. */
  ledgerOf(userId: string): Promise<string[]>;
  /** A seat sold to the user at `soldAt` (written by booking and payment). */
  addPaidSeat(userId: string, soldAt: Date): Promise<BookedSeat>;
}

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

function inMemoryWorld(): UserWorld {
  const bank = new InMemoryBank();
  let nextSeat = 1;
  return {
    accounts: bank.repository,
    ledger: bank.ledgerRepository,
    tx: (work) => bank.transactions.run(work),
    async ledgerOf(userId) {
      return bank.ledger.filter((row) => row.userId === userId).map((row) => row.amount.toString());
    },
    async addPaidSeat(userId, soldAt) {
      const id = nextSeat++;
      const seat: BookedSeat = {
        id,
        seatNumber: 1,
        bookSuccessAt: soldAt,
        performance: {
          id: 100 + id,
          performanceDatetime: at(86_400),
          concert: { id: 200 + id, name: `Concert ${id}` },
        },
      };
      bank.paidSeats.set(userId, [...(bank.paidSeats.get(userId) ?? []), seat]);
      return seat;
    },
  };
}

function sqlWorld(t: TestApp): UserWorld {
  const runner = t.app.get(TransactionRunner);
  const db = t.db;
  return {
    accounts: t.app.get(UserAccountRepository),
    ledger: t.app.get(BalanceLedgerRepository),
    tx: (work) => runner.run(work),
    async ledgerOf(userId) {
      const rows = await db.query(
        'SELECT amount::text FROM balance_ledger WHERE user_id = $1 ORDER BY id',
        [userId],
      );
      return rows.map((row: { amount: string }) => Money.parse(row.amount).toString());
    },
    async addPaidSeat(userId, soldAt) {
      const name = `Concert ${randomUUID().slice(0, 8)}`;
      const concertId = await insertConcert(db, name);
      const performanceDatetime = at(86_400);
      const { performanceId, seatIds } = await insertPerformance(db, concertId, {
        at: performanceDatetime,
        seats: 1,
      });
      const [id] = seatIds;
      await setSeatOwner(db, id, userId);
      await setBookInfo(db, id, {
        token: newTokenValue(),
        userId,
        bookAttemptAt: soldAt,
        expiresAt: soldAt,
        bookSuccessAt: soldAt,
      });
      return {
        id,
        seatNumber: 1,
        bookSuccessAt: soldAt,
        performance: { id: performanceId, performanceDatetime, concert: { id: concertId, name } },
      };
    },
  };
}

describeContract('user ports contract', { inMemory: inMemoryWorld, typeorm: sqlWorld }, (w) => {
  const balanceOf = async (id: string) =>
    (await w.tx(() => w.accounts.findById(id)))?.balance.toString();

  describe('UserAccountRepository', () => {
    it('create then findById: the account and its balance; null for an unknown id', async () => {
      const created = await w.tx(() => w.accounts.create(Money.parse('10.50')));
      expect(created.balance.toString()).toBe('10.50');
      const found = await w.tx(() => w.accounts.findById(created.id));
      expect({ id: found?.id, balance: found?.balance.toString() }).toEqual({
        id: created.id,
        balance: '10.50',
      });
      expect(await w.tx(() => w.accounts.findById(randomUUID()))).toBeNull();
    });

    it('credit adds to the balance and answers it; null for an unknown user', async () => {
      const { id } = await w.tx(() => w.accounts.create(Money.parse('10.50')));
      expect((await w.tx(() => w.accounts.credit(id, Money.parse('0.75'))))?.toString()).toBe(
        '11.25',
      );
      expect(await balanceOf(id)).toBe('11.25');
      expect(await w.tx(() => w.accounts.credit(randomUUID(), Money.parse('1')))).toBeNull();
    });

    it('credit up to MAX_BALANCE is fine; one cent past it is refused and changes nothing', async () => {
      const { id } = await w.tx(() => w.accounts.create(Money.parse('0.01')));
      const toMax = MAX_BALANCE.minus(Money.parse('0.01'));
      expect((await w.tx(() => w.accounts.credit(id, toMax)))?.toString()).toBe(
        MAX_BALANCE.toString(),
      );
      await expect(w.tx(() => w.accounts.credit(id, Money.parse('0.01')))).rejects.toThrow(
        `balance must not exceed ${MAX_BALANCE.toString()}`,
      );
      expect(await balanceOf(id)).toBe(MAX_BALANCE.toString());
    });

    it('findPaidSeats: the seats sold to the user, by sale time; none for anyone else', async () => {
      const { id } = await w.tx(() => w.accounts.create(Money.parse('0')));
      const later = await w.addPaidSeat(id, at(-10));
      const earlier = await w.addPaidSeat(id, at(-20));
      expect(await w.tx(() => w.accounts.findPaidSeats(id))).toEqual([earlier, later]);
      expect(await w.tx(() => w.accounts.findPaidSeats(randomUUID()))).toEqual([]);
    });
  });

  describe('BalanceLedgerRepository', () => {
    it('appendCharge adds a positive row; a failed transaction keeps neither it nor the credit', async () => {
      const { id } = await w.tx(() => w.accounts.create(Money.parse('0')));
      await w.tx(() => w.ledger.appendCharge(id, Money.parse('2.50')));
      await expect(
        w.tx(async () => {
          await w.accounts.credit(id, Money.parse('7'));
          await w.ledger.appendCharge(id, Money.parse('7'));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await w.ledgerOf(id)).toEqual(['2.50']);
      expect(await balanceOf(id)).toBe('0.00');
    });
  });
});
