import { statementsSentDuring } from '../support/statement-spy';
import { resetQueue } from '../support/queue-reset';
import { AdmitQueuedTokensUseCase } from '@app/queue';
import { LINE_SNAPSHOT_SQL } from '@app/queue/adapter/out/persistence/typeorm-line-snapshot.repository';
import { PrequeuePermutation } from '@app/queue/domain/prequeue-permutation';
import { signOfLifeLeadSeconds } from '@app/queue/domain/waiting-line';
import { FakeClock } from '../support/fake-clock';
import { insertUser } from '../support/fixtures';
import { call } from '../support/http';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';

/** The 0.999 quantile of the chi-square distribution with 81 degrees of freedom. */
const CHI_SQUARE_81_P001 = 126.1;

/**
 * Fair opening: before `opens_at` everyone waits in a pre-queue with no place and nobody is
 * admitted; the first tick at or after it draws the pre-queue's places (exactly once, whatever
 * the number of instances: a keyed pseudorandom permutation of the arrival numbers) ahead of
 * everyone who came later, and the ticks write their keys ahead of the head; then the line is
 * FIFO again.
 */
describe('fair opening: a scheduled sale start with a randomized pre-queue', () => {
  const clock = new FakeClock();
  let instances: TestApp[];
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    instances = [
      t,
      ...(await Promise.all(
        [1, 2].map(() => createTestApp({ clock, databaseUrl: t.databaseUrl })),
      )),
    ];
  });
  afterAll(async () => {
    for (const app of [...instances].reverse()) await app.close();
  });

  beforeEach(() => resetQueue(t, instances.slice(1)));

  const admin = { 'x-admin-key': ADMIN_KEY };
  const patch = (body: Record<string, unknown>, app = t) =>
    call(app.app, 'PATCH', '/admin/queue', { headers: admin, body });
  const tick = (app = t) => app.app.get(AdmitQueuedTokensUseCase).execute();
  const info = (token: string, app = t) =>
    call(app.app, 'GET', '/user_queue_tokens/token_info', { token });
  const inSeconds = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);

  async function join(app = t) {
    const userId = await insertUser(t.db);
    const response = await call(app.app, 'POST', '/user_queue_tokens', {
      body: { user_id: userId },
    });
    expect(response.status).toBe(201);
    return { userId, ...(response.body as { token: string; position: number | null }) };
  }

  async function keyOf(token: string): Promise<number | null> {
    const [row] = await t.db.query('SELECT line_key FROM user_queue_tokens WHERE token = $1', [
      token,
    ]);
    return row.line_key === null ? null : Number(row.line_key);
  }

  it('keeps everyone in a pre-queue with no place before the opening, and admits nobody', async () => {
    const opensAt = inSeconds(600);
    const patched = await patch({ opens_at: opensAt.toISOString().replace('Z', '+00:00') });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ opens_at: opensAt.toISOString(), prequeue: 0 });

    const me = await join();
    expect(me.position).toBeNull();
    const again = await call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: me.userId } });
    expect(again.body).toEqual({ token: me.token, status: 'IN_QUEUE', position: null });
    for (const app of instances) {
      // The other instances hear of the opening by NOTIFY, within a tick at most.
      const deadline = Date.now() + app.config.schedulerIntervalMs + 1000;
      let body = (await info(me.token, app)).body;
      while (body.opens_at === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        body = (await info(me.token, app)).body;
      }
      expect(body).toMatchObject({
        status: 'IN_QUEUE',
        position: null,
        estimated_wait_seconds: null,
        opens_at: opensAt.toISOString(),
      });
    }
    await patch({ max_active: 1_000, admit_per_minute: 1_000 });
    expect(await tick()).toMatchObject({ ran: true, admitted: 0 });
    expect((await call(t.app, 'GET', '/admin/queue', { headers: admin })).body).toMatchObject({
      waiting: 1,
      prequeue: 1,
      opens_at: opensAt.toISOString(),
    });

    // At the opening: placed, then admitted like anyone.
    clock.set(opensAt);
    expect(await tick()).toMatchObject({ ran: true, shuffled: 1, admitted: 1 });
    expect((await info(me.token)).body.status).toBe('IN_PROGRESS');
  });

  it('closes an open line: those already waiting join the pre-queue too', async () => {
    const early = await join();
    expect(early.position).toBe(1);
    await patch({ opens_at: inSeconds(60).toISOString() });
    expect(await keyOf(early.token)).toBeNull();
    expect((await info(early.token)).body).toMatchObject({
      position: null,
      opens_at: expect.any(String),
    });
  });

  it('places every pre-queued token ahead of later arrivals, who stay in arrival order', async () => {
    const opensAt = inSeconds(60);
    await patch({ opens_at: opensAt.toISOString(), paused: true });
    const pre = [];
    for (let i = 0; i < 30; i += 1) pre.push(await join(instances[i % 3]));
    clock.set(new Date(opensAt.getTime() + 100));
    // Arriving after the opening, before the tick that shuffles: behind the whole pre-queue.
    const later = [];
    for (let i = 0; i < 5; i += 1) later.push(await join());
    expect(later.every((entry) => entry.position !== null)).toBe(true);
    expect(await tick(instances[1])).toMatchObject({ ran: true, shuffled: 30, admitted: 0 });

    const preKeys = await Promise.all(pre.map((entry) => keyOf(entry.token)));
    const laterKeys = await Promise.all(later.map((entry) => keyOf(entry.token)));
    expect(preKeys.every((key) => key !== null)).toBe(true);
    expect(new Set(preKeys).size).toBe(30);
    expect(Math.max(...(preKeys as number[]))).toBeLessThan(Math.min(...(laterKeys as number[])));
    expect([...laterKeys].sort((a, b) => a! - b!)).toEqual(laterKeys);

    // Places count from the shuffled order, on every instance, 1..30 then 31..35.
    const places = [];
    for (const [i, entry] of pre.entries()) {
      places.push((await info(entry.token, instances[i % 3])).body.position);
    }
    expect([...places].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const [i, entry] of later.entries()) {
      expect((await info(entry.token, instances[(i + 1) % 3])).body.position).toBe(31 + i);
    }
    // The order is not the arrival order (30! orders: the identity would be a broken shuffle).
    expect(places).not.toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

    // Exactly once: the next ticks keep every place.
    await tick();
    await tick(instances[2]);
    expect(await Promise.all(pre.map((entry) => keyOf(entry.token)))).toEqual(preKeys);

    // Then FIFO as before.
    await patch({ paused: false, max_active: 3 });
    expect((await tick()).admitted).toBe(3);
    const admitted = await t.db.query(
      `SELECT token FROM user_queue_tokens WHERE status = 'IN_PROGRESS' ORDER BY line_key`,
    );
    const firstThree = pre
      .map((entry, i) => ({ token: entry.token, key: preKeys[i]! }))
      .sort((a, b) => a.key - b.key)
      .slice(0, 3)
      .map((entry) => entry.token);
    expect(admitted.map((row: { token: string }) => row.token)).toEqual(firstThree);
  });

  it('shuffles exactly once when three instances tick at the opening at the same instant', async () => {
    const opensAt = inSeconds(60);
    await patch({ opens_at: opensAt.toISOString(), paused: true });
    const count = 2_000;
    await insertPrequeue(count);
    clock.set(opensAt);
    const results = await Promise.all(instances.map((app) => tick(app)));
    expect(results.map((result) => result.shuffled ?? 0).sort()).toEqual([0, 0, count]);
    const [row] = await t.db.query(
      `SELECT count(*)::int AS waiting, count(DISTINCT line_key)::int AS keys,
              count(*) FILTER (WHERE line_key IS NULL)::int AS unplaced,
              min(line_key)::int AS first, max(line_key)::int AS last
         FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
    );
    expect(row).toEqual({ waiting: count, keys: count, unplaced: 0, first: -count, last: -1 });
    const [settings] = await t.db.query('SELECT prequeue_shuffled FROM queue_settings');
    expect(settings.prequeue_shuffled).toBe(true);
    expect(
      (await Promise.all(instances.map((app) => tick(app)))).map((r) => r.shuffled ?? 0),
    ).toEqual([0, 0, 0]);
  });

  it('gives 10,000 pre-queued tokens uniformly random places, whatever their arrival', async () => {
    const opensAt = inSeconds(60);
    await patch({ opens_at: opensAt.toISOString(), paused: true });
    const n = 10_000;
    await insertPrequeue(n);
    clock.set(opensAt);
    expect((await tick()).shuffled).toBe(n);
    await writeAll();
    // Arrival rank (creation order) against place (key order), both 0-based.
    const rows: { arrival: number; place: number }[] = await t.db.query(
      `SELECT (row_number() OVER (ORDER BY created_at, id) - 1)::int AS arrival,
              (rank() OVER (ORDER BY line_key) - 1)::int AS place
         FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
    );
    expect(rows).toHaveLength(n);
    const firstHalf = rows.filter((row) => row.arrival < n / 2);
    const meanPlace = firstHalf.reduce((sum, row) => sum + row.place + 1, 0) / firstHalf.length;
    expect(Math.abs(meanPlace - n / 2) / (n / 2)).toBeLessThan(0.03);

    const buckets = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    for (const row of rows) {
      buckets[Math.floor((row.arrival * 10) / n)][Math.floor((row.place * 10) / n)] += 1;
    }
    const expected = n / 100;
    const chiSquare = buckets
      .flat()
      .reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(CHI_SQUARE_81_P001);
  });

  it('places a token that joined the pre-queue as it was shuffled at the end, in order', async () => {
    const opensAt = inSeconds(60);
    await patch({ opens_at: opensAt.toISOString(), paused: true });
    await insertPrequeue(3);
    clock.set(opensAt);
    await tick();
    const after = await join();
    // A pre-queue insert that committed just after the shuffle (its opening check came first).
    await insertPrequeue(1);
    const [{ token: late }] = await t.db.query(
      `SELECT token FROM user_queue_tokens WHERE status = 'IN_QUEUE' AND line_key IS NULL`,
    );
    expect(await tick()).toMatchObject({ shuffled: 1 });
    expect(await keyOf(late)).toBeGreaterThan((await keyOf(after.token))!);
    expect((await info(late)).body.position).toBe(5);
  });

  it('opens at once when opens_at is cleared, and refuses malformed openings', async () => {
    await patch({ opens_at: inSeconds(600).toISOString(), paused: true });
    const me = await join();
    expect(me.position).toBeNull();
    const cleared = await patch({ opens_at: null });
    expect(cleared.body).toMatchObject({ opens_at: null, prequeue: 1 });
    expect(await tick()).toMatchObject({ shuffled: 1 });
    expect((await info(me.token)).body).toMatchObject({ position: 1, opens_at: null });

    for (const bad of ['tomorrow', '2026-12-01T10:00:00', '2026-02-30T10:00:00Z', 42, true, {}]) {
      const refused = await patch({ opens_at: bad });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        message: 'opens_at must be an ISO 8601 date-time with an offset, or null',
      });
    }
    const [row] = await t.db.query('SELECT opens_at FROM queue_settings');
    expect(row.opens_at).toBeNull();
  });

  it('shows unwritten pre-queued tokens their true place from the first tick, with no statement, and admits in that order', async () => {
    const opensAt = inSeconds(60);
    await patch({ opens_at: opensAt.toISOString(), paused: true });
    const n = 5_000;
    await insertPrequeue(n);
    const sample: string[] = (
      await t.db.query(
        `SELECT token FROM user_queue_tokens
          WHERE status = 'IN_QUEUE' AND line_key IS NULL ORDER BY prequeue_seq`,
      )
    )
      .map((row: { token: string }) => row.token)
      .filter((_: string, i: number) => i % 25 === 0);
    // Seen once before the opening (each instance caches what it read).
    for (const [i, token] of sample.entries()) {
      expect((await info(token, instances[i % 3])).body.position).toBeNull();
    }
    clock.set(opensAt);
    const opened = await tick();
    expect(opened).toMatchObject({ shuffled: n });
    expect(opened.written).toBeLessThan(n);
    const { frontier } = await openingRow();
    expect(frontier).toBe(opened.written);
    const unwritten = Number(
      (
        await t.db.query(
          `SELECT count(*)::int AS count FROM user_queue_tokens
            WHERE token = ANY($1) AND line_key IS NULL`,
          [sample],
        )
      )[0].count,
    );
    expect(unwritten).toBeGreaterThan(sample.length / 2);

    // Every instance answers every sampled token with its place, and sends no statement for it
    // but the snapshot's read.
    const shown = new Map<string, number>();
    const statements = await statementsSentDuring(async () => {
      for (const [i, token] of sample.entries()) {
        const body = (await info(token, instances[i % 3])).body;
        expect(body).toMatchObject({ status: 'IN_QUEUE', opens_at: null });
        shown.set(token, body.position);
      }
    });
    expect(statements.filter((sql) => sql !== LINE_SNAPSHOT_SQL)).toEqual([]);

    // The admission follows the places: the first 50 admitted are the first 50 places.
    await patch({ paused: false, max_active: 50 });
    expect((await tick()).admitted).toBe(50);
    const { key, seqFrom, seqTo } = await openingRow();
    const permutation = new PrequeuePermutation(key, seqTo - seqFrom);
    const admitted = await t.db.query(
      `SELECT prequeue_seq FROM user_queue_tokens WHERE status = 'IN_PROGRESS'`,
    );
    expect(
      admitted
        .map((row: { prequeue_seq: string }) =>
          permutation.forward(Number(row.prequeue_seq) - seqFrom),
        )
        .sort((a: number, b: number) => a - b),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i));

    // Once every key is written, each shown place is the truth as of the snapshot it came from:
    // its key minus the head then, plus one; 50 left since, so the truth now is 50 less.
    await writeAll();
    const truth = new Map<string, number>(
      (
        await t.db.query(
          `SELECT token, row_number() OVER (ORDER BY line_key)::int AS place
             FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
        )
      ).map((row: { token: string; place: number }) => [row.token, row.place]),
    );
    for (const token of sample) {
      if (!truth.has(token)) continue; // admitted
      expect(shown.get(token)).toBe(truth.get(token)! + 50);
      const now = (await info(token)).body.position;
      expect(now).toBe(truth.get(token));
    }
  });

  it('places a pre-queued token that committed after its place was written behind everyone', async () => {
    const opensAt = inSeconds(60);
    await patch({ opens_at: opensAt.toISOString(), paused: true });
    await insertPrequeue(3);
    // An arrival number handed out before the opening to a join that commits after it.
    const [{ seq }] = await t.db.query(
      `SELECT nextval('user_queue_tokens_prequeue_seq')::int AS seq`,
    );
    clock.set(opensAt);
    expect(await tick()).toMatchObject({ shuffled: 4, written: 3 });
    const after = await join();
    // Three ahead; the late token's place in the block is a gap, counted when it lies inside.
    expect([4, 5]).toContain(after.position);
    await insertPrequeue(1, seq);
    const [{ token: late }] = await t.db.query(
      'SELECT token FROM user_queue_tokens WHERE prequeue_seq = $1',
      [seq],
    );
    // Its place in the block was written without it: no place under the truth meanwhile.
    expect((await info(late)).body.position).toBeNull();
    expect(await tick()).toMatchObject({ shuffled: 1 });
    expect(await keyOf(late)).toBeGreaterThan((await keyOf(after.token))!);
    expect((await info(late)).body.position).toBe(after.position! + 1);
  });

  it('treats an abandoned pre-queued token like any abandoned waiter', async () => {
    const opensAt = inSeconds(60);
    await patch({ opens_at: opensAt.toISOString(), paused: true });
    await insertPrequeue(40);
    clock.set(opensAt);
    await tick();
    const tokens: { token: string; id: string }[] = await t.db.query(
      `SELECT token, id FROM user_queue_tokens WHERE status = 'IN_QUEUE' ORDER BY line_key`,
    );
    const gone = new Set(tokens.filter((_, i) => i % 4 === 1).map((row) => row.token));
    // The near-head zone formed at the opening; the live ones poll once they are asked to.
    const abandonAfter = t.config.queueAbandonAfterSeconds;
    clock.advanceSeconds(abandonAfter - signOfLifeLeadSeconds(abandonAfter) + 1);
    for (const { token } of tokens) if (!gone.has(token)) await info(token);
    clock.advanceSeconds(signOfLifeLeadSeconds(abandonAfter));
    await patch({ paused: false, max_active: 1_000, admit_per_minute: 1_000 });
    expect(await tick()).toMatchObject({ admitted: 30, abandoned: 10 });
    const rows: { token: string; status: string; activated_at: Date | null }[] = await t.db.query(
      'SELECT token, status, activated_at FROM user_queue_tokens WHERE token = ANY($1)',
      [tokens.map((row) => row.token)],
    );
    for (const row of rows) {
      expect(row.status).toBe(gone.has(row.token) ? 'EXPIRED' : 'IN_PROGRESS');
      if (gone.has(row.token)) expect(row.activated_at).toBeNull();
    }
  });

  /** The opening's columns of the settings row. */
  async function openingRow(): Promise<{
    key: Buffer;
    seqFrom: number;
    seqTo: number;
    frontier: number;
  }> {
    const [row] = await t.db.query(
      `SELECT opening_key, opening_seq_from::int, opening_seq_to::int, opening_frontier::int
         FROM queue_settings`,
    );
    return {
      key: row.opening_key,
      seqFrom: row.opening_seq_from,
      seqTo: row.opening_seq_to,
      frontier: row.opening_frontier,
    };
  }

  /** Ticks until every key of the opening's places is written (at least a chunk a tick). */
  async function writeAll(): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      const { frontier, seqFrom, seqTo } = await openingRow();
      if (frontier >= seqTo - seqFrom) return;
      await tick();
    }
    throw new Error('the opening keys were not all written in 100 ticks');
  }

  /**
   * Pre-queued tokens as the join writes them before the opening: no key, arrival numbers in
   * arrival order (from the pre-queue's sequence, or `seq` for a single one).
   */
  async function insertPrequeue(count: number, seq?: number): Promise<void> {
    await t.db.query(
      `WITH new_users AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, $1::int) RETURNING id
       )
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at, line_key,
                                      prequeue_seq)
       SELECT id, md5(id::text || random()::text), 'IN_QUEUE',
              $2::timestamptz + (row_number() OVER ()) * interval '1 millisecond',
              $2, NULL, COALESCE($3::bigint, nextval('user_queue_tokens_prequeue_seq'))
         FROM (SELECT id FROM new_users ORDER BY id) AS new_users`,
      [count, clock.now(), seq ?? null],
    );
  }
});
