import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { TokenSessionRepository } from '../../../application/port/out/token-session.repository';
import { activeTokenShareLockSql } from './token-session.sql';

@Injectable()
export class TypeOrmTokenSessionRepository extends TokenSessionRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async lockIfActive(token: string, now: Date): Promise<boolean> {
    const rows = await queryRows(this.txHost.tx, activeTokenShareLockSql('$1', '$2'), [token, now]);
    return rows.length === 1;
  }
}
