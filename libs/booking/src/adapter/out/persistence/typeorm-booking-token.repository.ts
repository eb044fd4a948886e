import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { activeTokenSql } from '@app/queue/domain';
import { BookingTokenRepository } from '../../../application/port/out/booking-token.repository';

@Injectable()
export class TypeOrmBookingTokenRepository extends BookingTokenRepository {
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
}
