import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { activeTokenSql } from '@app/queue/domain';
import { PayingTokenRepository } from '../../../application/port/out/paying-token.repository';

@Injectable()
export class TypeOrmPayingTokenRepository extends PayingTokenRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
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
