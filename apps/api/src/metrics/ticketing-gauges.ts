import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AppConfig } from '@app/common/config/app-config';
import { MetricsRegistry } from './metrics-registry';
import {
  TicketingSnapshot,
  TicketingSnapshotReader,
} from '@app/database/ticketing-snapshot/ticketing-snapshot.reader';

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

/** A scrape answers within this even when PostgreSQL does not (the gauges are then left out). */
export const SCRAPE_WAIT_MS = 1000;

/**
 * Business gauges read from the database, so that every instance reports the same truth, at
 * a bounded cost whatever the scrape rate: the database is read at most once per interval
 * (SCHEDULER_INTERVAL_MS) and only one read runs at a time. Every scrape of the interval,
 * concurrent ones included, shares that read's result; a scrape that arrives while a read is
 * running waits for it (at most SCRAPE_WAIT_MS) rather than starting another. A read that
 * outlives the scrape keeps its single slot until PostgreSQL cancels it (the reader's
 * statement timeout), so reads never stack. When the read fails the gauges are left without
 * a sample (rather than a stale or zero value) and `ticketing_database_up` says 0.
 */
@Injectable()
export class TicketingGauges {
  private readonly intervalMs: number;
  private last: { finishedAt: number; value: TicketingSnapshot | undefined } | undefined;
  private running: Promise<TicketingSnapshot | undefined> | undefined;

  constructor(
    metrics: MetricsRegistry,
    private readonly reader: TicketingSnapshotReader,
    config: AppConfig,
  ) {
    this.intervalMs = config.schedulerIntervalMs;
    const snapshot = () => this.snapshot();
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
      help: '1 when the latest read of the database gauges (at most one per interval) succeeded, else 0.',
      registers: [metrics.registry],
      async collect() {
        this.set((await snapshot()) === undefined ? 0 : 1);
      },
    });
  }

  /** The snapshot of this interval: undefined when the database could not be read in time. */
  snapshot(): Promise<TicketingSnapshot | undefined> {
    if (this.last && performance.now() - this.last.finishedAt < this.intervalMs) {
      return Promise.resolve(this.last.value);
    }
    this.running ??= this.reader
      .read()
      .catch(() => undefined)
      .then((value) => {
        this.last = { finishedAt: performance.now(), value };
        this.running = undefined;
        return value;
      });
    return waitAtMost(this.running, SCRAPE_WAIT_MS);
  }
}

function waitAtMost<T>(promise: Promise<T | undefined>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
