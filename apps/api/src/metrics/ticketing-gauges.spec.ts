import { MetricsRegistry } from './metrics-registry';
import { TicketingGauges } from './ticketing-gauges';
import { TicketingSnapshot, TicketingSnapshotReader } from './ticketing-snapshot.reader';

class FakeReader {
  reads = 0;
  next: TicketingSnapshot | Error = {
    queueWaiting: 3,
    queueActive: 2,
    seatHoldsLive: 1,
    payments: 7,
  };

  async read(): Promise<TicketingSnapshot> {
    this.reads += 1;
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }
}

describe('TicketingGauges', () => {
  let metrics: MetricsRegistry;
  let reader: FakeReader;

  beforeEach(() => {
    metrics = new MetricsRegistry();
    reader = new FakeReader();
    new TicketingGauges(metrics, reader as unknown as TicketingSnapshotReader);
  });
  afterEach(() => metrics.onModuleDestroy());

  it('reads the database once per scrape and publishes the four gauges', async () => {
    const text = await metrics.render();
    expect(reader.reads).toBe(1);
    expect(text).toMatch(/^ticketing_queue_waiting 3$/m);
    expect(text).toMatch(/^ticketing_queue_active 2$/m);
    expect(text).toMatch(/^ticketing_seat_holds_live 1$/m);
    expect(text).toMatch(/^ticketing_payments_total 7$/m);
    expect(text).toMatch(/^ticketing_database_up 1$/m);

    reader.next = { queueWaiting: 0, queueActive: 0, seatHoldsLive: 0, payments: 8 };
    expect(await metrics.render()).toMatch(/^ticketing_payments_total 8$/m);
    expect(reader.reads).toBe(2);
  });

  it('leaves the gauges without a sample when the database fails, and says so', async () => {
    await metrics.render();
    reader.next = new Error('connect ECONNREFUSED');
    const text = await metrics.render();
    expect(text).not.toMatch(/^ticketing_queue_waiting /m);
    expect(text).not.toMatch(/^ticketing_payments_total /m);
    expect(text).toMatch(/^ticketing_database_up 0$/m);
  });
});
