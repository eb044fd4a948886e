import { AppConfig } from '@app/common/config/app-config';
import { MetricsRegistry } from './metrics-registry';
import { SCRAPE_WAIT_MS, TicketingGauges } from './ticketing-gauges';
import {
  TicketingSnapshot,
  TicketingSnapshotReader,
} from '@app/database/ticketing-snapshot/ticketing-snapshot.reader';

class FakeReader {
  reads = 0;
  running = 0;
  maxRunning = 0;
  delayMs = 0;
  next: TicketingSnapshot | Error = {
    queueWaiting: 3,
    queueActive: 2,
    seatHoldsLive: 1,
    payments: 7,
  };

  async read(): Promise<TicketingSnapshot> {
    this.reads += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.delayMs > 0) await sleep(this.delayMs);
      if (this.next instanceof Error) throw this.next;
      return this.next;
    } finally {
      this.running -= 1;
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const INTERVAL_MS = 200;

describe('TicketingGauges', () => {
  let metrics: MetricsRegistry;
  let reader: FakeReader;

  beforeEach(() => {
    metrics = new MetricsRegistry();
    reader = new FakeReader();
    const config = AppConfig.fromRaw({
      DATABASE_URL: 'postgres://unused/unused',
      SCHEDULER_INTERVAL_MS: String(INTERVAL_MS),
    });
    new TicketingGauges(metrics, reader as unknown as TicketingSnapshotReader, config);
  });
  afterEach(() => metrics.onModuleDestroy());

  it('publishes the four gauges from one read, and reads again only after the interval', async () => {
    const text = await metrics.render();
    expect(reader.reads).toBe(1);
    expect(text).toMatch(/^ticketing_queue_waiting 3$/m);
    expect(text).toMatch(/^ticketing_queue_active 2$/m);
    expect(text).toMatch(/^ticketing_seat_holds_live 1$/m);
    expect(text).toMatch(/^ticketing_payments_total 7$/m);
    expect(text).toMatch(/^ticketing_database_up 1$/m);
    reader.next = { queueWaiting: 0, queueActive: 0, seatHoldsLive: 0, payments: 8 };
    // Within the interval: the same values, no read.
    expect(await metrics.render()).toMatch(/^ticketing_payments_total 7$/m);
    expect(reader.reads).toBe(1);
    await sleep(INTERVAL_MS + 20);
    expect(await metrics.render()).toMatch(/^ticketing_payments_total 8$/m);
    expect(reader.reads).toBe(2);
  });

  it('shares one read between 100 concurrent scrapes', async () => {
    reader.delayMs = 50;
    const texts = await Promise.all(Array.from({ length: 100 }, () => metrics.render()));
    expect(reader.reads).toBe(1);
    for (const text of texts) expect(text).toMatch(/^ticketing_payments_total 7$/m);
  });

  it('reads at most once per interval under scrapes in a tight loop', async () => {
    // Fake time: how many scrapes fit in three intervals must not depend on how busy the
    // machine is. 20 scrapes every 10 ms for three intervals.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      let scrapes = 0;
      for (let elapsed = 0; elapsed < 3 * INTERVAL_MS; elapsed += 10) {
        await Promise.all(Array.from({ length: 20 }, () => metrics.render()));
        scrapes += 20;
        jest.advanceTimersByTime(10);
      }
      expect(scrapes).toBe(1200);
      expect(reader.reads).toBe(3);
      expect(reader.maxRunning).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers a scrape in time while a slow read runs, without starting a second read', async () => {
    reader.delayMs = SCRAPE_WAIT_MS + 500;
    const started = Date.now();
    const first = await metrics.render();
    expect(Date.now() - started).toBeLessThan(SCRAPE_WAIT_MS + 400);
    expect(first).toMatch(/^ticketing_database_up 0$/m);
    expect(first).not.toMatch(/^ticketing_queue_waiting /m);
    // The read is still running: the next scrape waits for it instead of reading again.
    const second = await metrics.render();
    expect(reader.reads).toBe(1);
    expect(reader.maxRunning).toBe(1);
    expect(second).toMatch(/^ticketing_database_up 1$/m);
  });

  it('leaves the gauges without a sample when the database fails, and says so', async () => {
    await metrics.render();
    reader.next = new Error('connect ECONNREFUSED');
    await sleep(INTERVAL_MS + 20);
    const text = await metrics.render();
    expect(text).not.toMatch(/^ticketing_queue_waiting /m);
    expect(text).not.toMatch(/^ticketing_payments_total /m);
    expect(text).toMatch(/^ticketing_database_up 0$/m);
    // A failure is remembered for the interval too: a down database is not hammered.
    await metrics.render();
    expect(reader.reads).toBe(2);
  });
});
