import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UserDirectoryRepository } from '../../../application/port/out/user-directory.repository';

@Injectable()
export class TypeOrmUserDirectoryRepository extends UserDirectoryRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async exists(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query('SELECT 1 FROM users WHERE id = $1', [
      userId,
    ]);
    return rows.length > 0;
  }
}
