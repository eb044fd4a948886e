import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@app/common/domain/clock';
import { holdGaugeColumnsSql } from '@app/booking';
import { paymentGaugeColumnsSql } from '@app/payment';
import { queueGaugeColumnsSql } from '@app/queue';
import { TicketingSnapshot, TicketingSnapshotReader } from './ticketing-snapshot.reader';

/**
 * How long PostgreSQL may run the snapshot statement before it cancels it (statement_timeout,
 * set for this transaction only): a slow or blocked count never outlives its scrape.
 */
export const SNAPSHOT_STATEMENT_TIMEOUT_MS = 1000;

/** Marks the statement in pg_stat_activity and in the logs. */
export const SNAPSHOT_SQL_TAG = '/* ticketing_metrics_snapshot */';

/**
 * The business gauges, read in one statement on one pool connection, inside a transaction
 * whose `SET LOCAL statement_timeout` makes PostgreSQL itself cancel the statement past
 * SNAPSHOT_STATEMENT_TIMEOUT_MS (a timer in Node would leave it running and its connection
 * taken). The statement is assembled from each owner's count (queue, booking, payment: see
 * the ownership table in the README), so that no SQL about a table is written outside the
 * context that owns it; it runs outside the ambient transaction on purpose. Called at most
 * once per interval by the metrics' TicketingGauges, never once per scrape.
 */
@Injectable()
export class TypeOrmTicketingSnapshotReader extends TicketingSnapshotReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  async read(): Promise<TicketingSnapshot> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      await runner.query(`SET LOCAL statement_timeout = ${SNAPSHOT_STATEMENT_TIMEOUT_MS}`);
      const [row] = (await runner.query(
        `${SNAPSHOT_SQL_TAG} SELECT
           ${queueGaugeColumnsSql('$1')},
           ${holdGaugeColumnsSql('$1')},
           ${paymentGaugeColumnsSql()}`,
        [this.clock.now()],
      )) as { waiting: number; active: number; holds: number; payments: number }[];
      await runner.commitTransaction();
      return {
        queueWaiting: row.waiting,
        queueActive: row.active,
        seatHoldsLive: row.holds,
        payments: row.payments,
      };
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release().catch(() => undefined);
    }
  }
}
