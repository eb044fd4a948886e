import { Injectable } from '@nestjs/common';
import { BookedSeat, UserAccount, UserNotFoundError } from '../domain/user-account';
import { UserAccountRepository } from './port/out/user-account.repository';

export interface UserProfile extends UserAccount {
  bookedSeats: BookedSeat[];
}

@Injectable()
export class GetUserProfileUseCase {
  constructor(private readonly accounts: UserAccountRepository) {}

  async execute(userId: string): Promise<UserProfile> {
    const account = await this.accounts.findById(userId);
    if (!account) throw new UserNotFoundError();
    return { ...account, bookedSeats: await this.accounts.findPaidSeats(userId) };
  }
}
