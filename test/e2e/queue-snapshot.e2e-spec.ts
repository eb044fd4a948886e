import { resetQueue } from '../support/queue-reset';
import { ReleaseLapsedHoldsUseCase } from '@app/booking';
import { AdmitQueuedTokensUseCase } from '@app/queue';
import { MAX_ROWS_PER_TICK } from '@app/queue/application/admit-queued-tokens.use-case';
import { LineSnapshotService } from '@app/queue/application/line-snapshot.service';
import { FakeClock } from '../support/fake-clock';
import { insertConcert, insertPerformance, insertUser } from '../support/fixtures';
import { call } from '../support/http';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';

/**
 * What the line snapshot must keep while it spares the database: every instance learns of an
 * admission within a tick, a paid token is refused at once everywhere, places are never under
 * the truth, an abandoned head does not stall the line, and the answers of the hardening
 * issue (last hold, estimate, bounded ticks).
 */
describe('the line snapshot keeps the semantics', () => {
  const clock = new FakeClock();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({ clock });
    b = await createTestApp({ clock, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  beforeEach(() => resetQueue(a, [b]));

  const admitOn = (t: TestApp) => t.app.get(AdmitQueuedTokensUseCase).execute();
  const info = (t: TestApp, token: string) =>
    call(t.app, 'GET', '/user_queue_tokens/token_info', { token });
  const settings = (t: TestApp, body: Record<string, unknown>) =>
    call(t.app, 'PATCH', '/admin/queue', { headers: { 'x-admin-key': ADMIN_KEY }, body });

  async function join(t: TestApp, balance = '0.00') {
    const userId = await insertUser(t.db, balance);
    const response = await call(t.app, 'POST', '/user_queue_tokens', {
      body: { user_id: userId },
    });
    expect(response.status).toBe(201);
    return { userId, token: response.body.token as string };
  }

  async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, ms: number) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await what();
      if (ok(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('shows a token admitted on one instance as IN_PROGRESS on the other within a tick', async () => {
    const me = await join(a);
    // B answers from its snapshot and cache: it has seen the token waiting.
    expect((await info(b, me.token)).body).toMatchObject({ status: 'IN_QUEUE', position: 1 });
    expect((await info(b, me.token)).body.status).toBe('IN_QUEUE');
    const admittedAt = Date.now();
    expect((await admitOn(a)).admitted).toBe(1);
    const seen = await until(
      () => info(b, me.token),
      (response) => response.body.status === 'IN_PROGRESS',
      b.config.schedulerIntervalMs + 1000,
    );
    expect(seen.body.status).toBe('IN_PROGRESS');
    expect(Date.now() - admittedAt).toBeLessThanOrEqual(b.config.schedulerIntervalMs + 1000);
  });

  it('refuses a token that paid at once on every instance', async () => {
    const concertId = await insertConcert(a.db);
    const { seatIds } = await insertPerformance(a.db, concertId, {
      at: new Date(clock.now().getTime() + 86_400_000),
      seats: 2,
      price: '10.00',
    });
    const me = await join(a, '100.00');
    expect((await info(b, me.token)).body.status).toBe('IN_QUEUE');
    await admitOn(a);
    expect((await call(a.app, 'POST', `/performance_seats/${seatIds[0]}/book`, me)).status).toBe(
      201,
    );
    expect((await call(b.app, 'POST', `/performance_seats/${seatIds[0]}/pay`, me)).status).toBe(
      200,
    );
    for (const t of [a, b]) {
      const other = await call(t.app, 'POST', `/performance_seats/${seatIds[1]}/book`, me);
      expect(other.status).toBe(401);
      expect(other.body).toEqual({ message: 'Token is invalid' });
      expect((await info(t, me.token)).body.status).toBe('EXPIRED');
    }
  });

  it('never gives a place under the truth, and the truth once the snapshot is read', async () => {
    const line = [];
    for (let i = 0; i < 40; i += 1) line.push(await join(i % 2 === 0 ? a : b));
    await settings(a, { max_active: 3 });
    for (let round = 0; round < 6; round += 1) {
      // Polls on both instances, some with a snapshot older than this round's admissions.
      const waiting = await a.db.query(
        `SELECT token, (SELECT count(*)::int FROM user_queue_tokens o
                         WHERE o.status = 'IN_QUEUE' AND o.line_key <= t.line_key) AS truth
           FROM user_queue_tokens t WHERE status = 'IN_QUEUE' AND token = ANY($1)`,
        [line.map((entry) => entry.token)],
      );
      for (const row of waiting) {
        for (const t of [a, b]) {
          const position = (await info(t, row.token)).body.position;
          if (position !== null) expect(position).toBeGreaterThanOrEqual(row.truth);
        }
      }
      // Free the slots (as payments would) and admit the next ones.
      await a.db.query(
        `UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE status = 'IN_PROGRESS'`,
      );
      expect((await admitOn(round % 2 === 0 ? a : b)).admitted).toBe(3);
    }
    // Once each instance has read its snapshot after the last tick: exact places.
    for (const t of [a, b]) await t.app.get(LineSnapshotService).refresh();
    const exact = await a.db.query(
      `SELECT token, row_number() OVER (ORDER BY line_key)::int AS truth
         FROM user_queue_tokens WHERE status = 'IN_QUEUE' ORDER BY line_key`,
    );
    expect(exact).toHaveLength(22);
    for (const row of exact) {
      expect((await info(a, row.token)).body.position).toBe(row.truth);
      expect((await info(b, row.token)).body.position).toBe(row.truth);
    }
  });

  it('drops a head that was near the front for the abandon delay without polling, and goes on', async () => {
    const silent = [await join(a), await join(a), await join(a)];
    const live = [await join(a), await join(a)];
    await settings(a, { paused: true, max_active: 2 });
    // The tick marks the near-head zone; then the delay passes, the live ones poll.
    await admitOn(a);
    // The delay passes (in fake time): B's snapshot has caught up with the zone by then.
    await b.app.get(LineSnapshotService).refresh();
    clock.advanceSeconds(a.config.queueAbandonAfterSeconds);
    for (const entry of live) expect((await info(b, entry.token)).status).toBe(200);
    await settings(a, { paused: false });
    expect(await admitOn(b)).toEqual({ ran: true, expired: 0, abandoned: 3, admitted: 2 });
    for (const entry of silent) {
      // A hears of B's tick by NOTIFY: within a tick at most.
      const seen = await until(
        () => info(a, entry.token),
        (response) => response.body.status === 'EXPIRED',
        a.config.schedulerIntervalMs + 1000,
      );
      expect(seen.body).toMatchObject({ status: 'EXPIRED' });
    }
    for (const entry of live) {
      expect((await info(a, entry.token)).body.status).toBe('IN_PROGRESS');
    }
  });

  it("keeps showing a token's last hold after it lapsed and the job released it", async () => {
    const concertId = await insertConcert(a.db);
    const { seatIds } = await insertPerformance(a.db, concertId, {
      at: new Date(clock.now().getTime() + 86_400_000),
      seats: 1,
    });
    const me = await join(a);
    await admitOn(a);
    const booked = await call(a.app, 'POST', `/performance_seats/${seatIds[0]}/book`, me);
    expect(booked.status).toBe(201);
    const before = (await info(a, me.token)).body.performance_seat_book_info;
    expect(before).toMatchObject({
      performance_seat_id: seatIds[0],
      book_attempt_at: booked.body.book_attempt_at,
      expires_at: booked.body.expires_at,
      book_success_at: null,
    });
    clock.advanceSeconds(a.config.seatHoldTtlSeconds);
    expect(await a.app.get(ReleaseLapsedHoldsUseCase).execute()).toBe(1);
    const [row] = await a.db.query(
      'SELECT token FROM performance_seat_book_info WHERE performance_seat_id = $1',
      [seatIds[0]],
    );
    expect(row.token).toBeNull();
    expect((await info(b, me.token)).body.performance_seat_book_info).toEqual(before);
  });

  it('estimates the wait while the cap is full and nobody was admitted lately; null only when it cannot move', async () => {
    await settings(a, { max_active: 1 });
    await join(a);
    await admitOn(a);
    const me = await join(a);
    // A minute later nobody has been admitted, and no session ended.
    clock.advanceSeconds(61);
    await admitOn(a);
    // Nobody was left waiting by either tick: no rate observed.
    const [{ observed_admissions_per_minute: observed }] = await a.db.query(
      'SELECT observed_admissions_per_minute FROM queue_settings',
    );
    expect(observed).toBeNull();
    // B's snapshot follows within a tick (settings changes also reach it by NOTIFY).
    const within = b.config.schedulerIntervalMs + 1000;
    const estimateOnB = (expected: number | null) =>
      until(
        async () => (await info(b, me.token)).body.estimated_wait_seconds,
        (estimate) => estimate === expected,
        within,
      );
    // No session ended yet: the active one, 61 s old, is expected to last as long again.
    expect(await estimateOnB(61)).toBe(61);
    await settings(a, { paused: true });
    expect(await estimateOnB(null)).toBeNull();
    await settings(a, { paused: false, max_active: 0 });
    expect(await estimateOnB(null)).toBeNull();
  });

  it('admits a bounded number per tick after a huge raise of the caps, then the rest', async () => {
    const count = MAX_ROWS_PER_TICK + 300;
    await a.db.query(
      `WITH new_users AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, $1::int) RETURNING id
       )
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       SELECT id, md5(id::text || random()::text), 'IN_QUEUE', $2, $2 FROM new_users`,
      [count, clock.now()],
    );
    await settings(a, { max_active: 1_000_000, admit_per_minute: 1_000_000 });
    expect((await admitOn(a)).admitted).toBe(MAX_ROWS_PER_TICK);
    expect((await admitOn(b)).admitted).toBe(300);
  });
});
