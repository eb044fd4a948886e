import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { TokenSessionRepository } from '../../../application/port/out/token-session.repository';
import { activeTokenSql } from '../../../domain/active-token.rule';

@Injectable()
export class TypeOrmTokenSessionRepository extends TokenSessionRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async lockIfActive(token: string, now: Date): Promise<boolean> {
    // FOR SHARE conflicts with the row lock of the payment's UPDATE (status, expired_at): if
    // that payment has not committed yet, this waits for it and then re-checks the WHERE on
    // the row it committed. (FOR KEY SHARE would not wait: the UPDATE changes no key column.)
    const rows = await queryRows(
      this.txHost.tx,
      `SELECT 1 FROM user_queue_tokens
        WHERE token = $1 AND ${activeTokenSql('', '$2')}
          FOR SHARE`,
      [token, now],
    );
    return rows.length === 1;
  }

  async expireAfterPayment(tokenId: number, at: Date): Promise<boolean> {
    // Conditional on the token still being active at payment time: the guard's check happened
    // before the transaction, this one happens under the row lock.
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2
        WHERE id = $1 AND ${activeTokenSql('', '$2')}
        RETURNING id`,
      [tokenId, at],
    );
    return rows.length === 1;
  }
}
