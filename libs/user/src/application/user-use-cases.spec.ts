import { Money } from '@app/common/domain/money';
import { InMemoryBank } from '@test/support/fakes/in-memory-bank';
import { BalanceLimitExceededError, MAX_BALANCE, BookedSeat } from '../domain/user-account';
import { ChargeBalanceUseCase } from './charge-balance.use-case';
import { CreateUserUseCase } from './create-user.use-case';
import { GetUserProfileUseCase } from './get-user-profile.use-case';

describe('user use cases', () => {
  let bank: InMemoryBank;
  let charge: ChargeBalanceUseCase;
  let create: CreateUserUseCase;
  let profile: GetUserProfileUseCase;

  beforeEach(() => {
    bank = new InMemoryBank();
    charge = new ChargeBalanceUseCase(bank.transactions, bank.repository, bank.ledgerRepository);
    create = new CreateUserUseCase(bank.transactions, bank.repository, bank.ledgerRepository);
    profile = new GetUserProfileUseCase(bank.repository);
  });

  it('charges: the new balance and one ledger entry', async () => {
    const { id } = await create.execute(Money.parse('10'));
    const balance = await charge.execute(id, Money.parse('2.50'));
    expect(balance.toString()).toBe('12.50');
    expect(bank.ledger.map((entry) => entry.amount.toString())).toEqual(['10.00', '2.50']);
  });

  it.each(['0', '-1', '10000000.01'])(
    'refuses to charge %s before touching anything',
    async (amount) => {
      const { id } = await create.execute();
      await expect(charge.execute(id, Money.parse(amount))).rejects.toMatchObject({
        kind: 'INVALID',
      });
      expect(bank.ledger).toEqual([]);
    },
  );

  it('answers User not found (404) for an unknown user and writes no ledger entry', async () => {
    await expect(charge.execute('nobody', Money.parse('1'))).rejects.toMatchObject({
      kind: 'NOT_FOUND',
      message: 'User not found',
    });
    expect(bank.ledger).toEqual([]);
  });

  it('refuses a charge past the maximum balance and rolls it back', async () => {
    const { id } = await create.execute(MAX_BALANCE);
    await expect(charge.execute(id, Money.parse('1'))).rejects.toBeInstanceOf(
      BalanceLimitExceededError,
    );
    expect(bank.accounts.get(id)?.toString()).toBe(MAX_BALANCE.toString());
    expect(bank.ledger).toHaveLength(1);
  });

  it('creates a user without a ledger entry when the opening balance is zero', async () => {
    const account = await create.execute();
    expect(account.balance.toString()).toBe('0.00');
    expect(bank.ledger).toEqual([]);
  });

  it('refuses a negative opening balance', async () => {
    await expect(create.execute(Money.parse('-1'))).rejects.toMatchObject({ kind: 'INVALID' });
    expect(bank.accounts.size).toBe(0);
  });

  it('reads a profile with its paid seats, or User not found', async () => {
    const { id } = await create.execute(Money.parse('3'));
    const seat: BookedSeat = {
      id: 9,
      seatNumber: 4,
      bookSuccessAt: new Date('2030-01-01T00:00:00Z'),
      performance: {
        id: 2,
        performanceDatetime: new Date('2030-02-01T19:00:00Z'),
        concert: { id: 1, name: 'X' },
      },
    };
    bank.paidSeats.set(id, [seat]);
    await expect(profile.execute(id)).resolves.toMatchObject({ id, bookedSeats: [seat] });
    await expect(profile.execute('nobody')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
