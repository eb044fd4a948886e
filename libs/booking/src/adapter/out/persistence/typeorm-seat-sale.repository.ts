import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { SeatSaleRepository } from '../../../application/port/out/seat-sale.repository';
import { BookAttemptResult } from '../../../domain/book-attempt-result';

/** The log results of an attempt that won or renewed the hold. */
const WON_RESULTS = (['HELD', 'ALREADY_HELD'] as const satisfies readonly BookAttemptResult[])
  .map((result) => `'${result}'`)
  .join(', ');

@Injectable()
export class TypeOrmSeatSaleRepository extends SeatSaleRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async wasHeldBy(token: string, seatId: number): Promise<boolean> {
    const rows = await queryRows(
      this.txHost.tx,
      `SELECT 1 FROM performance_seat_book_logs
        WHERE token = $1 AND performance_seat_id = $2 AND result IN (${WON_RESULTS})
        LIMIT 1`,
      [token, seatId],
    );
    return rows.length > 0;
  }
}
