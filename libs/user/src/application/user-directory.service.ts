import { Injectable } from '@nestjs/common';
import { UserAccountRepository } from './port/out/user-account.repository';

/** What the user context tells others about its users (the `users` table is its own). */
@Injectable()
export class UserDirectory {
  constructor(private readonly accounts: UserAccountRepository) {}

  async exists(userId: string): Promise<boolean> {
    return (await this.accounts.findById(userId)) !== null;
  }
}
