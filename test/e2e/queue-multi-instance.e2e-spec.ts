import { AdmitQueuedTokensUseCase } from '@app/queue';
import { ADMIN_KEY, createOtherInstance, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertUser } from '../support/fixtures';

interface LineRow {
  id: number;
  status: string;
  activated_at: Date | null;
}

/**
 * Three app instances on one database, each running the admission job on its own connection
 * pool, all ticking at once: the caps and FIFO order must hold whatever the interleaving.
 */
describe('queue admission with three instances on one database', () => {
  const MAX_ACTIVE = 5;
  let instances: TestApp[];
  let ticks: AdmitQueuedTokensUseCase[];

  beforeAll(async () => {
    const first = await createTestApp();
    const others = await Promise.all([1, 2].map(() => createOtherInstance(first)));
    instances = [first, ...others];
    ticks = instances.map((t) => t.app.get(AdmitQueuedTokensUseCase));
  });
  afterAll(async () => {
    // The first instance owns (and drops) the database: close it last.
    for (const t of [...instances].reverse()) await t.close();
  });

  async function line(): Promise<LineRow[]> {
    const rows: { id: string; status: string; activated_at: Date | null }[] =
      await instances[0].db.query(
        'SELECT id, status, activated_at FROM user_queue_tokens ORDER BY id',
      );
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  it('never exceeds max_active, admits strictly in line order, and never admits twice', async () => {
    const [t1, t2, t3] = instances;
    const clock = t1.clock;
    // The setting is changed through one instance and obeyed by all of them.
    const patched = await call(t2.app, 'PATCH', '/admin/queue', {
      headers: { 'x-admin-key': ADMIN_KEY },
      body: { max_active: MAX_ACTIVE, admit_per_minute: 1000 },
    });
    expect(patched.status).toBe(200);

    // 60 waiters, issued in order through the three instances in turn.
    const WAITERS = 60;
    const abandonedIds = new Set<number>();
    for (let i = 0; i < WAITERS; i += 1) {
      const userId = await insertUser(t1.db);
      const response = await call(instances[i % 3].app, 'POST', '/user_queue_tokens', {
        body: { user_id: userId },
      });
      expect(response.status).toBe(201);
    }
    const ids = (await line()).map((row) => row.id);
    // Every 7th waiter stops polling long ago: it must be dropped, never admitted.
    for (const [index, id] of ids.entries()) {
      if (index % 7 === 3) abandonedIds.add(id);
    }
    await t1.db.query(
      `UPDATE user_queue_tokens SET last_seen_at = $2 WHERE id = ANY($1::bigint[])`,
      [[...abandonedIds], new Date(clock.now().getTime() - 3_600_000)],
    );

    // The line's head has been near the front for the abandon delay: a paused tick marks the
    // near-head zone, then the delay passes (abandonment is judged only after it).
    const pause = (paused: boolean) =>
      call(t1.app, 'PATCH', '/admin/queue', {
        headers: { 'x-admin-key': ADMIN_KEY },
        body: { paused },
      });
    expect((await pause(true)).status).toBe(200);
    expect((await ticks[1].execute()).ran).toBe(true);
    clock.advanceSeconds(t1.config.queueAbandonAfterSeconds);
    expect((await pause(false)).status).toBe(200);

    const firstActivation = new Map<number, string>();
    let ranTicks = 0;
    for (let round = 0; round < 40; round += 1) {
      // Every live waiter but the abandoned ones polls.
      await t1.db.query(
        `UPDATE user_queue_tokens SET last_seen_at = $1
          WHERE status = 'IN_QUEUE' AND NOT (id = ANY($2::bigint[]))`,
        [clock.now(), [...abandonedIds]],
      );
      const results = await Promise.all(
        [...ticks, ...ticks, ...ticks].map((tick) => tick.execute()),
      );
      ranTicks += results.filter((result) => result.ran).length;

      const rows = await line();
      const now = clock.now();
      const active = rows.filter((row) => row.status === 'IN_PROGRESS');
      expect(active.length).toBeLessThanOrEqual(MAX_ACTIVE);

      // FIFO: the admitted tokens, in id order, are exactly the line's prefix minus the
      // abandoned ones; every abandoned token before the last admitted one is expired.
      const admitted = rows.filter((row) => row.activated_at !== null).map((row) => row.id);
      const lastAdmitted = admitted.length > 0 ? admitted[admitted.length - 1] : 0;
      const expectedPrefix = ids.filter((id) => id <= lastAdmitted && !abandonedIds.has(id));
      expect(admitted).toEqual(expectedPrefix);
      for (const row of rows) {
        if (abandonedIds.has(row.id)) expect(row.activated_at).toBeNull();
        if (abandonedIds.has(row.id) && row.id < lastAdmitted) expect(row.status).toBe('EXPIRED');
      }
      // Admitted once: an activation time never changes.
      for (const row of rows) {
        if (!row.activated_at) continue;
        const at = row.activated_at.toISOString();
        expect(firstActivation.get(row.id) ?? at).toBe(at);
        firstActivation.set(row.id, at);
      }

      // Buyers finish (a payment expires the token) and time passes; some tokens reach their TTL.
      const finishing = active.slice(0, round % 3).map((row) => row.id);
      await t3.db.query(
        `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2
          WHERE id = ANY($1::bigint[])`,
        [finishing, now],
      );
      clock.advanceSeconds(round % 5 === 4 ? t1.config.queueActiveTtlSeconds : 1);
    }

    const final = await line();
    // Everyone who kept polling got in; every abandoned waiter was dropped.
    expect(final.filter((row) => row.status === 'IN_QUEUE')).toEqual([]);
    expect(final.filter((row) => row.activated_at !== null).length).toBe(
      WAITERS - abandonedIds.size,
    );
    expect(
      final.filter((row) => abandonedIds.has(row.id)).every((row) => row.status === 'EXPIRED'),
    ).toBe(true);
    expect(ranTicks).toBeGreaterThanOrEqual(40);
  });

  it("obeys a setting changed through another instance on that instance's next tick", async () => {
    const [t1, t2, t3] = instances;
    await t1.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE status <> 'EXPIRED'`);
    t1.clock.advanceSeconds(3600);
    for (let i = 0; i < 4; i += 1) {
      await call(t1.app, 'POST', '/user_queue_tokens', {
        body: { user_id: await insertUser(t1.db) },
      });
    }
    const patch = (app: TestApp, body: object) =>
      call(app.app, 'PATCH', '/admin/queue', { headers: { 'x-admin-key': ADMIN_KEY }, body });
    expect((await patch(t1, { paused: true })).status).toBe(200);
    expect(await ticks[1].execute()).toMatchObject({ ran: true, admitted: 0 });
    expect((await patch(t3, { paused: false, max_active: 2 })).status).toBe(200);
    expect(await ticks[1].execute()).toMatchObject({ admitted: 2 });
    expect(
      (await call(t2.app, 'GET', '/admin/queue', { headers: { 'x-admin-key': ADMIN_KEY } })).body,
    ).toEqual({
      waiting: 2,
      active: 2,
      max_active: 2,
      admit_per_minute: 1000,
      paused: false,
      opens_at: null,
      prequeue: 0,
    });
    await patch(t2, { max_active: MAX_ACTIVE });
  });

  it('lets exactly one of many simultaneous ticks admit into the last free slots', async () => {
    const [t1] = instances;
    await t1.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE status <> 'EXPIRED'`);
    t1.clock.advanceSeconds(3600);
    for (let i = 0; i < 20; i += 1) {
      const userId = await insertUser(t1.db);
      await call(instances[i % 3].app, 'POST', '/user_queue_tokens', {
        body: { user_id: userId },
      });
    }
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => ticks[i % 3].execute()));
    expect(results.reduce((sum, result) => sum + result.admitted, 0)).toBe(MAX_ACTIVE);
    const [{ count }] = await t1.db.query(
      `SELECT count(*)::int AS count FROM user_queue_tokens WHERE status = 'IN_PROGRESS'`,
    );
    expect(count).toBe(MAX_ACTIVE);
  });
});
