import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@app/common/domain/clock';

export interface TicketingSnapshot {
  queueWaiting: number;
  queueActive: number;
  seatHoldsLive: number;
  payments: number;
}

/** A scrape must answer even when PostgreSQL does not; past this, the gauges are left out. */
const SNAPSHOT_TIMEOUT_MS = 1000;

/**
 * The business gauges, read at scrape time in one statement. Each count runs on a partial
 * index (waiting, active, open holds) or a primary key, so a scrape stays cheap with 100,000
 * tokens in line.
 */
@Injectable()
export class TicketingSnapshotReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async read(): Promise<TicketingSnapshot> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('metrics snapshot timed out')),
        SNAPSHOT_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([this.query(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async query(): Promise<TicketingSnapshot> {
    const [row] = (await this.dataSource.query(
      `SELECT
         (SELECT count(*) FROM user_queue_tokens WHERE status = 'IN_QUEUE')::int AS waiting,
         (SELECT count(*) FROM user_queue_tokens
           WHERE status = 'IN_PROGRESS' AND expires_at > $1)::int AS active,
         (SELECT count(*) FROM performance_seat_book_info
           WHERE token IS NOT NULL AND book_success_at IS NULL AND expires_at > $1)::int AS holds,
         (SELECT count(*) FROM payments)::int AS payments`,
      [this.clock.now()],
    )) as { waiting: number; active: number; holds: number; payments: number }[];
    return {
      queueWaiting: row.waiting,
      queueActive: row.active,
      seatHoldsLive: row.holds,
      payments: row.payments,
    };
  }
}
