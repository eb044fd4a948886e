import { Money } from '@app/common/domain/money';
import { BookedSeat, UserAccount } from '../../../domain/user-account';

export abstract class UserAccountRepository {
  abstract create(balance: Money): Promise<UserAccount>;
  abstract findById(id: string): Promise<UserAccount | null>;
  /**
   * Adds to the balance in one atomic statement and returns the new balance, or null when the
   * user does not exist. Throws BalanceLimitExceededError past MAX_BALANCE.
   */
  abstract credit(id: string, amount: Money): Promise<Money | null>;
  abstract findPaidSeats(userId: string): Promise<BookedSeat[]>;
}
