import { queryPrepared } from '@app/common/adapter/persistence/query-rows';
import { LINE_SNAPSHOT_SQL } from '@app/queue/adapter/out/persistence/typeorm-line-snapshot.repository';
import { LineSnapshotService } from '@app/queue/application/line-snapshot.service';
import { JOIN_LINE_SQL } from '@app/queue/adapter/out/persistence/typeorm-queue-token.repository';
import { spyOnStatements, StatementSpy } from '../support/statement-spy';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertUser } from '../support/fixtures';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * The waiting room's database work must not grow with the number of waiters: a waiting
 * token's poll sends no statement at all (the line snapshot answers it), the snapshot read
 * once per tick and a join are index probes whose pages do not grow with the line. Checked on
 * the statements the app sends and on the query plans; the speed is measured by the bench.
 */
describe('the waiting room at scale', () => {
  let t: TestApp;
  let spy: StatementSpy;

  beforeAll(async () => {
    t = await createTestApp();
    // Every statement the app sends goes through a pg client (TypeORM's queries, and the
    // named prepared statements sent to the client directly); t.db's own are left out below.
    spy = spyOnStatements();
  });
  beforeEach(() => {
    spy.clear();
  });
  afterAll(async () => {
    spy.restore();
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

  async function snapshotPages(): Promise<number> {
    const snapshot = await plan(LINE_SNAPSHOT_SQL, [t.clock.now()]);
    for (const node of nodes(snapshot)) {
      // queue_settings is a single row, the zone marks a handful: scanning them does not grow.
      if (['queue_settings', 'queue_zone_marks'].includes(node['Relation Name'] ?? '')) continue;
      expect(node['Node Type']).not.toBe('Seq Scan');
    }
    expect(nodes(snapshot).map((node) => node['Index Name'])).toContain('user_queue_tokens_line');
    return pages(snapshot);
  }

  async function joinPages(): Promise<number> {
    const userId = await insertUser(t.db);
    // EXPLAIN ANALYZE really inserts: the join is measured as it runs.
    const join = await plan(JOIN_LINE_SQL, [userId, 'f'.repeat(31) + '0', t.clock.now()]);
    await t.db.query(`DELETE FROM user_queue_tokens WHERE user_id = $1`, [userId]);
    for (const node of nodes(join)) {
      if (node['Relation Name'] === 'user_queue_tokens') {
        expect(node['Node Type']).not.toBe('Seq Scan');
      }
    }
    return pages(join);
  }

  it('reads the snapshot and joins with as many pages with 20,000 waiting as with 1,000', async () => {
    await queue(1_000);
    const [snapshotSmall, joinSmall] = [await snapshotPages(), await joinPages()];
    await queue(19_000);
    const [snapshotLarge, joinLarge] = [await snapshotPages(), await joinPages()];
    // A B-tree may grow one level: allow a page per index, not a page per waiter.
    expect(snapshotLarge).toBeLessThanOrEqual(snapshotSmall + 3);
    expect(joinLarge).toBeLessThanOrEqual(joinSmall + 6);

    const [{ token: last }] = await t.db.query(
      `SELECT token FROM user_queue_tokens WHERE status = 'IN_QUEUE' ORDER BY line_key DESC LIMIT 1`,
    );
    const response = await call(t.app, 'GET', '/user_queue_tokens/token_info', { token: last });
    expect(response.status).toBe(200);
    // 20,000 waiting; the join measured after the first 1,000 left a gap in the keys, which
    // can only make a place an overestimate.
    expect(response.body.position).toBe(20_001);
  });

  it('answers polls of many waiting tokens with no statement once each was seen', async () => {
    const tokens: string[] = (
      await t.db.query(
        `SELECT token FROM user_queue_tokens WHERE status = 'IN_QUEUE' ORDER BY line_key LIMIT 300`,
      )
    ).map((row: { token: string }) => row.token);
    const poll = (token: string) => call(t.app, 'GET', '/user_queue_tokens/token_info', { token });
    // The line was filled by SQL, which no instance announces: a snapshot read before that (when
    // the line was empty) is good for up to a tick, longer than the test above takes on a fast
    // machine, and has no waiter to answer for. Read afresh, as an admission's NOTIFY makes it.
    t.app.get(LineSnapshotService).invalidate();
    // Warm-up: each token is looked up once on this instance.
    for (const token of tokens) expect((await poll(token)).status).toBe(200);
    spy.clear();
    const started = performance.now();
    const answers = await Promise.all(tokens.map(poll));
    const ticks = (performance.now() - started) / t.config.schedulerIntervalMs;
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.map((answer) => answer.body.position)).toEqual(tokens.map((_, i) => i + 1));
    // No statement per poll: only the snapshot, re-read at most once per tick for everyone.
    expect(spy.texts.filter((sql) => sql !== LINE_SNAPSHOT_SQL)).toEqual([]);
    expect(spy.texts.length).toBeLessThanOrEqual(Math.ceil(ticks) + 1);
  });

  it('joins the line in one statement', async () => {
    const userId = await insertUser(t.db);
    spy.clear();
    const response = await call(t.app, 'POST', '/user_queue_tokens', {
      body: { user_id: userId },
    });
    expect(response.status).toBe(201);
    expect(response.body.position).toBeGreaterThan(20_000);
    expect(spy.texts.filter((sql) => sql !== LINE_SNAPSHOT_SQL)).toEqual([JOIN_LINE_SQL]);
    // As a named prepared statement: parsed once per connection, not once per join.
    expect(spy.names).toEqual(['join_line']);
  });

  it('joins as a prepared statement that answers like the plain one, on every connection', async () => {
    // More joins than the pool has connections, at once: each connection prepares it once.
    const users = await Promise.all(Array.from({ length: 40 }, () => insertUser(t.db)));
    const answers = await Promise.all(
      users.map((userId) =>
        call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(users.map(() => 201));
    const again = await Promise.all(
      users.map((userId) =>
        call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } }),
      ),
    );
    expect(again.map((answer) => answer.body.token)).toEqual(
      answers.map((answer) => answer.body.token),
    );
    const [{ live }] = await t.db.query(
      `SELECT count(*)::int AS live FROM user_queue_tokens
        WHERE user_id = ANY($1::uuid[]) AND status IN ('IN_QUEUE', 'IN_PROGRESS')`,
      [users],
    );
    expect(live).toBe(users.length);
  });

  it('runs a prepared statement on the ambient transaction when there is one', async () => {
    const userId = await insertUser(t.db);
    const sql = 'SELECT balance::text AS balance FROM users WHERE id = $1';
    await t.db.transaction(async (manager) => {
      await manager.query('UPDATE users SET balance = 7 WHERE id = $1', [userId]);
      // Sees the transaction's own uncommitted write: the same connection.
      expect(await queryPrepared(manager, 'test_balance', sql, [userId])).toEqual([
        { balance: '7.00' },
      ]);
    });
    expect(await queryPrepared(t.db.manager, 'test_balance', sql, [userId])).toEqual([
      { balance: '7.00' },
    ]);
  });
});
