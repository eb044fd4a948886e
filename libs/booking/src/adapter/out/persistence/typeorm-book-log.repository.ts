import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { BookAttempt, BookLogRepository } from '../../../application/port/out/book-log.repository';

@Injectable()
export class TypeOrmBookLogRepository extends BookLogRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async append(attempt: BookAttempt): Promise<void> {
    await queryRows(
      this.txHost.tx,
      `INSERT INTO performance_seat_book_logs
         (performance_seat_id, token, user_id, result, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [attempt.performanceSeatId, attempt.token, attempt.userId, attempt.result, attempt.at],
    );
  }
}
