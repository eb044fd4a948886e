import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@app/common/domain/clock';
import { liveHoldSql } from '@app/booking/domain/live-hold.rule';
import { activeTokenSql } from '@app/queue/domain/active-token.rule';

export interface TicketingSnapshot {
  queueWaiting: number;
  queueActive: number;
  seatHoldsLive: number;
  payments: number;
}

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
 * taken). Each count runs on a partial index (waiting, active, open holds) or a primary key.
 * Called at most once per interval by TicketingGauges, never once per scrape.
 */
@Injectable()
export class TicketingSnapshotReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async read(): Promise<TicketingSnapshot> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      await runner.query(`SET LOCAL statement_timeout = ${SNAPSHOT_STATEMENT_TIMEOUT_MS}`);
      const [row] = (await runner.query(
        `${SNAPSHOT_SQL_TAG} SELECT
           (SELECT count(*) FROM user_queue_tokens WHERE status = 'IN_QUEUE')::int AS waiting,
           (SELECT count(*) FROM user_queue_tokens WHERE ${activeTokenSql('', '$1')})::int AS active,
           (SELECT count(*) FROM performance_seat_book_info
             WHERE ${liveHoldSql('', '$1')})::int AS holds,
           (SELECT count(*) FROM payments)::int AS payments`,
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
