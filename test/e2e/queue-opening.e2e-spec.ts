import { resetQueue } from '../support/queue-reset';
import { AdmitQueuedTokensUseCase } from '@app/queue';
import { FakeClock } from '../support/fake-clock';
import { insertUser } from '../support/fixtures';
import { call } from '../support/http';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';

/** The 0.999 quantile of the chi-square distribution with 81 degrees of freedom. */
const CHI_SQUARE_81_P001 = 126.1;

/**
 * Fair opening: before `opens_at` everyone waits in a pre-queue with no place and nobody is
 * admitted; the first tick at or after it shuffles the pre-queue (exactly once, whatever the
 * number of instances) ahead of everyone who came later; then the line is FIFO again.
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

  /** Pre-queued tokens as the join writes them before the opening: no key, arrival order. */
  async function insertPrequeue(count: number): Promise<void> {
    await t.db.query(
      `WITH new_users AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, $1::int) RETURNING id
       )
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at, line_key)
       SELECT id, md5(id::text || random()::text), 'IN_QUEUE',
              $2::timestamptz + (row_number() OVER ()) * interval '1 millisecond',
              $2, NULL
         FROM new_users`,
      [count, clock.now()],
    );
  }
});
