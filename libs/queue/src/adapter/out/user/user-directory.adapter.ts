import { Injectable } from '@nestjs/common';
import { UserDirectory } from '@app/user';
import { UserDirectoryRepository } from '../../../application/port/out/user-directory.repository';

/** Whether a user exists, asked of the user context that owns `users`. */
@Injectable()
export class UserDirectoryAdapter extends UserDirectoryRepository {
  constructor(private readonly users: UserDirectory) {
    super();
  }

  exists(userId: string): Promise<boolean> {
    return this.users.exists(userId);
  }
}
