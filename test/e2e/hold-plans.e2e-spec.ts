import { ATTEMPT_HOLD_SQL } from '@app/booking/adapter/out/persistence/typeorm-seat-hold.repository';
import { CHECKOUT_SQL } from '@app/payment/adapter/out/persistence/typeorm-checkout.repository';
import { createTestApp, TestApp } from '../support/test-app';
import { insertBuyer, insertConcert, insertHold, insertPerformance } from '../support/fixtures';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

const HOLDS = 1_200;

/**
 * The booking's and the checkout's one statement are prepared, so after a few runs each
 * connection keeps a generic plan. At the start of a sale the book-info table was analysed
 * with no hold in it; a partial index on the hold's rule then looks free to the planner, and a
 * generic plan could walk every hold through it. With many holds live, each statement must
 * still only probe: every index scan of performance_seat_book_info has an index condition.
 */
describe('the hold statements under a generic plan, at the start of a sale', () => {
  let t: TestApp;
  let freeSeat: number;
  let buyer: { userId: string; token: string };

  beforeAll(async () => {
    t = await createTestApp();
    const now = t.clock.now();
    const concertId = await insertConcert(t.db);
    const { seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(now.getTime() + 86_400_000),
      seats: HOLDS + 1,
    });
    await t.db.query('ANALYZE');
    // Every seat but the last held by a user of its own, as a rush leaves them.
    await t.db.query(
      `WITH holders AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, $2::int) RETURNING id
       ), numbered AS (
         SELECT id, row_number() OVER (ORDER BY id) AS n FROM holders
       )
       UPDATE performance_seat_book_info i
          SET token = md5(numbered.id::text), user_id = numbered.id, book_attempt_at = $3,
              expires_at = $3::timestamptz + interval '5 minutes'
         FROM numbered
        WHERE i.performance_seat_id = ($1::bigint[])[numbered.n]`,
      [seatIds.slice(0, HOLDS), HOLDS, now],
    );
    freeSeat = seatIds[HOLDS];
    buyer = await insertBuyer(t.db, now);
  });
  afterAll(async () => {
    await t.close();
  });

  const literal = (value: unknown) =>
    `'${(value instanceof Date ? value.toISOString() : String(value)).replace(/'/g, "''")}'`;

  /** The statement's generic plan, run (EXPLAIN ANALYZE) in a transaction rolled back. */
  async function genericPlan(sql: string, types: string, values: unknown[]): Promise<PlanNode> {
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN');
      await runner.query('SET LOCAL plan_cache_mode = force_generic_plan');
      await runner.query(`PREPARE generic (${types}) AS ${sql}`);
      const [row] = await runner.query(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE generic (${values.map(literal).join(', ')})`,
      );
      return row['QUERY PLAN'][0].Plan;
    } finally {
      await runner.query('ROLLBACK');
      await runner.query('DEALLOCATE ALL');
      await runner.release();
    }
  }

  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

  function expectProbesOnly(plan: PlanNode): void {
    const bookInfo = nodes(plan).filter(
      (node) =>
        node['Relation Name'] === 'performance_seat_book_info' && /Scan/.test(node['Node Type']),
    );
    expect(bookInfo.length).toBeGreaterThan(0);
    for (const node of bookInfo) {
      expect({ scan: node['Node Type'], index: node['Index Name'] }).toEqual({
        scan: expect.stringMatching(/^Index (Only )?Scan$/),
        index: expect.any(String),
      });
      expect(node['Index Cond']).toEqual(expect.any(String));
      // A probe reads a few pages; a walk over the holds reads hundreds.
      expect((node['Shared Hit Blocks'] ?? 0) + (node['Shared Read Blocks'] ?? 0)).toBeLessThan(20);
    }
  }

  it('the booking probes the seat and the user’s holds, however many holds there are', async () => {
    const now = t.clock.now();
    const plan = await genericPlan(ATTEMPT_HOLD_SQL, 'bigint, text, integer, timestamptz', [
      freeSeat,
      buyer.token,
      300,
      now,
    ]);
    expectProbesOnly(plan);
  });

  it('the checkout probes the seat it sells, however many holds there are', async () => {
    const now = t.clock.now();
    await insertHold(t.db, freeSeat, buyer, now);
    const plan = await genericPlan(CHECKOUT_SQL, 'bigint, text, timestamptz', [
      freeSeat,
      buyer.token,
      now,
    ]);
    expectProbesOnly(plan);
  });
});
