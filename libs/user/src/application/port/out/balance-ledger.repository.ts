import { Money } from '@app/common/domain/money';

/** The append-only record every balance is the sum of. */
export abstract class BalanceLedgerRepository {
  abstract appendCharge(userId: string, amount: Money): Promise<void>;
}
