import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';
import { TicketingSnapshot, TicketingSnapshotReader } from './ticketing-snapshot.reader';

const GAUGES: { name: string; help: string; pick: (snapshot: TicketingSnapshot) => number }[] = [
  {
    name: 'ticketing_queue_waiting',
    help: 'Queue tokens waiting in line (IN_QUEUE).',
    pick: (snapshot) => snapshot.queueWaiting,
  },
  {
    name: 'ticketing_queue_active',
    help: 'Queue tokens admitted and not yet expired (IN_PROGRESS, before expires_at).',
    pick: (snapshot) => snapshot.queueActive,
  },
  {
    name: 'ticketing_seat_holds_live',
    help: 'Seat holds that are live (held, not paid, not lapsed).',
    pick: (snapshot) => snapshot.seatHoldsLive,
  },
  {
    name: 'ticketing_payments_total',
    help: 'Payments recorded (one per seat sold).',
    pick: (snapshot) => snapshot.payments,
  },
];

/**
 * Business gauges computed from the database when Prometheus scrapes, so that every instance
 * reports the same truth. The gauges share one query per scrape; when the database does not
 * answer they are left without a sample (rather than a stale or zero value) and
 * `ticketing_database_up` says 0.
 */
@Injectable()
export class TicketingGauges {
  private pending: Promise<TicketingSnapshot | undefined> | undefined;

  constructor(metrics: MetricsRegistry, reader: TicketingSnapshotReader) {
    const snapshot = () => {
      // prom-client starts collecting every metric of a scrape in the same tick: the first
      // gauge starts the query, the others join it; the next scrape reads afresh.
      this.pending ??= reader
        .read()
        .catch(() => undefined)
        .finally(() => (this.pending = undefined));
      return this.pending;
    };
    for (const { name, help, pick } of GAUGES) {
      new Gauge({
        name,
        help,
        registers: [metrics.registry],
        async collect() {
          const current = await snapshot();
          if (current === undefined) this.remove();
          else this.set(pick(current));
        },
      });
    }
    new Gauge({
      name: 'ticketing_database_up',
      help: '1 when the last scrape could read the database, else 0.',
      registers: [metrics.registry],
      async collect() {
        this.set((await snapshot()) === undefined ? 0 : 1);
      },
    });
  }
}
