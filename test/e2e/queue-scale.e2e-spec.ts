import { POLL_SNAPSHOT_SQL } from '@app/queue/adapter/out/persistence/typeorm-queue-token.repository';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * A token_info poll must cost the same with 1,000 or 20,000 tokens waiting: the head of the
 * line is one probe of a partial index, never a count over the line. Checked on the query
 * plans (index use, pages touched); the latency is measured by the benchmark.
 */
describe('token_info cost does not grow with the line', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function queue(count: number): Promise<void> {
    await t.db.query(
      `WITH new_users AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, $1::int) RETURNING id
       )
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       SELECT id, md5(id::text || random()::text), 'IN_QUEUE', $2, $2 FROM new_users`,
      [count, t.clock.now()],
    );
    await t.db.query('ANALYZE user_queue_tokens');
  }

  async function plan(sql: string, parameters: unknown[] = []): Promise<PlanNode> {
    const [row] = await t.db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, parameters);
    return row['QUERY PLAN'][0].Plan;
  }

  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
  const pages = (node: PlanNode) =>
    (node['Shared Hit Blocks'] ?? 0) + (node['Shared Read Blocks'] ?? 0);

  async function pollPages(token: string): Promise<number> {
    // The guard's lookup, then the poll's one statement (head of line, observed rate, hold).
    const lookup = await plan('SELECT * FROM user_queue_tokens WHERE token = $1', [token]);
    const snapshot = await plan(POLL_SNAPSHOT_SQL, [token]);
    for (const node of [lookup, snapshot].flatMap(nodes)) {
      // queue_settings is a single row: scanning it is the cheapest plan and does not grow.
      if (node['Relation Name'] === 'queue_settings') continue;
      expect(node['Node Type']).not.toBe('Seq Scan');
    }
    expect(nodes(snapshot).map((node) => node['Index Name'])).toContain(
      'user_queue_tokens_waiting',
    );
    return pages(lookup) + pages(snapshot);
  }

  it('touches as many pages with 20,000 waiting as with 1,000', async () => {
    await queue(1_000);
    const [{ token: small }] = await t.db.query(
      `SELECT token FROM user_queue_tokens ORDER BY id DESC LIMIT 1`,
    );
    const atThousand = await pollPages(small);

    await queue(19_000);
    const [{ token: large }] = await t.db.query(
      `SELECT token FROM user_queue_tokens ORDER BY id DESC LIMIT 1`,
    );
    const atTwentyThousand = await pollPages(large);
    // A B-tree may grow one level: allow a page per index, not a page per waiter.
    expect(atTwentyThousand).toBeLessThanOrEqual(atThousand + 3);

    const response = await call(t.app, 'GET', '/user_queue_tokens/token_info', { token: large });
    expect(response.status).toBe(200);
    expect(response.body.position).toBe(20_000);
  });
});
