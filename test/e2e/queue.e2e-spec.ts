import { ADVISORY_LOCKS } from '@app/database/advisory-locks';
import { resetQueue } from '../support/queue-reset';
import { createHash } from 'node:crypto';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import {
  insertActiveToken,
  insertConcert,
  insertPerformance,
  insertUser,
  newTokenValue,
} from '../support/fixtures';
import { AdmitQueuedTokensUseCase } from '@app/queue';
import { LineSnapshotService } from '@app/queue/application/line-snapshot.service';
import { signOfLifeLeadSeconds } from '@app/queue/domain/waiting-line';

interface Joined {
  userId: string;
  token: string;
  position: number;
}

interface TokenRow {
  id: string;
  user_id: string;
  token: string;
  status: string;
  created_at: Date;
  last_seen_at: Date;
  activated_at: Date | null;
  expires_at: Date | null;
  expired_at: Date | null;
}

describe('queue: tokens, token_info, admission and admin settings', () => {
  let t: TestApp;
  let admit: AdmitQueuedTokensUseCase;

  beforeAll(async () => {
    t = await createTestApp();
    admit = t.app.get(AdmitQueuedTokensUseCase);
  });
  afterAll(async () => {
    await t.close();
  });

  // Every test starts with an empty line, no active tokens and the environment's settings.
  // Every test starts with an empty line, no active tokens and the environment's settings.
  beforeEach(() => resetQueue(t));

  const admin = { 'x-admin-key': ADMIN_KEY };

  async function issue(userId: string) {
    return call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
  }

  async function join(): Promise<Joined> {
    const userId = await insertUser(t.db);
    const response = await issue(userId);
    expect(response.status).toBe(201);
    return { userId, token: response.body.token, position: response.body.position };
  }

  async function info(token: string) {
    return call(t.app, 'GET', '/user_queue_tokens/token_info', { token });
  }

  async function rowOf(token: string): Promise<TokenRow> {
    const [row] = await t.db.query('SELECT * FROM user_queue_tokens WHERE token = $1', [token]);
    return row;
  }

  async function tokenCount(): Promise<number> {
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM user_queue_tokens');
    return count;
  }

  async function setSettings(body: Record<string, unknown>) {
    const response = await call(t.app, 'PATCH', '/admin/queue', { headers: admin, body });
    expect(response.status).toBe(200);
    return response.body;
  }

  describe('POST /user_queue_tokens', () => {
    it('issues an IN_QUEUE token at the end of the line (201)', async () => {
      const userId = await insertUser(t.db);
      const response = await issue(userId);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        token: expect.stringMatching(/^[0-9a-f]{32}$/),
        status: 'IN_QUEUE',
        position: 1,
      });
      const row = await rowOf(response.body.token);
      expect(row).toMatchObject({ user_id: userId, status: 'IN_QUEUE', activated_at: null });
      expect(row.created_at.toISOString()).toBe(t.clock.now().toISOString());
      expect(row.last_seen_at.toISOString()).toBe(t.clock.now().toISOString());
    });

    it('gives the same token and place to a user asking again', async () => {
      const first = await join();
      const second = await join();
      const again = await issue(second.userId);
      expect(again.status).toBe(201);
      expect(again.body).toEqual({ token: second.token, status: 'IN_QUEUE', position: 2 });
      const [{ count }] = await t.db.query(
        'SELECT count(*)::int AS count FROM user_queue_tokens WHERE user_id = $1',
        [second.userId],
      );
      expect(count).toBe(1);
      expect(first.position).toBe(1);
    });

    it('accepts an upper-case user id as the same user', async () => {
      const userId = await insertUser(t.db);
      const lower = await issue(userId);
      const upper = await issue(userId.toUpperCase());
      expect(upper.status).toBe(201);
      expect(upper.body.token).toBe(lower.body.token);
    });

    it('numbers three users 1, 2, 3 in arrival order and moves them up on admission', async () => {
      const a = await join();
      const b = await join();
      const c = await join();
      expect([a.position, b.position, c.position]).toEqual([1, 2, 3]);
      await setSettings({ max_active: 1 });
      expect((await admit.execute()).admitted).toBe(1);
      expect((await issue(b.userId)).body).toEqual({
        token: b.token,
        status: 'IN_QUEUE',
        position: 1,
      });
      expect((await info(c.token)).body.position).toBe(2);
      expect((await issue(a.userId)).body).toEqual({
        token: a.token,
        status: 'IN_PROGRESS',
        position: null,
      });
    });

    it('makes tokens that cannot be computed from the user id and the time', async () => {
      const [u1, u2] = [await insertUser(t.db), await insertUser(t.db)];
      const [r1, r2] = [await issue(u1), await issue(u2)];
      expect(r1.body.token).not.toBe(r2.body.token);
      const createdAt = (await rowOf(r1.body.token)).created_at.toISOString();
      for (const guess of [u1 + createdAt, u1, createdAt, `${u1}${t.clock.now().getTime()}`]) {
        expect(createHash('md5').update(guess).digest('hex')).not.toBe(r1.body.token);
      }
    });

    it('replaces an IN_PROGRESS token past its TTL even before the job runs', async () => {
      const userId = await insertUser(t.db);
      const old = await insertActiveToken(t.db, userId, t.clock.now(), 60);
      t.clock.advanceSeconds(61);
      const response = await issue(userId);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ token: expect.any(String), status: 'IN_QUEUE', position: 1 });
      expect(response.body.token).not.toBe(old);
      expect(await rowOf(old)).toMatchObject({ status: 'EXPIRED' });
    });

    it('returns a live IN_PROGRESS token as it is', async () => {
      const userId = await insertUser(t.db);
      const token = await insertActiveToken(t.db, userId, t.clock.now());
      const response = await issue(userId);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ token, status: 'IN_PROGRESS', position: null });
    });

    it('answers 400 User not found for an unknown user and writes nothing', async () => {
      const before = await tokenCount();
      const response = await issue('0b8e7c1e-9a55-4a57-8f0e-7a3f0a8b9c11');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: 'User not found' });
      expect(await tokenCount()).toBe(before);
    });

    it.each([
      ['a malformed user_id', { user_id: 'abc' }, 'user_id must be a UUID'],
      ['a numeric user_id', { user_id: 42 }, 'user_id must be a UUID'],
      ['no user_id', {}, 'user_id must be a UUID'],
      [
        'an unknown field',
        { user_id: '0b8e7c1e-9a55-4a57-8f0e-7a3f0a8b9c11', position: 1 },
        'property position should not exist',
      ],
    ])('answers 400 naming the field for %s and writes nothing', async (_name, body, message) => {
      const before = await tokenCount();
      const response = await call(t.app, 'POST', '/user_queue_tokens', { body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message });
      expect(await tokenCount()).toBe(before);
    });

    it('answers 400 for malformed JSON', async () => {
      const response = await call(t.app, 'POST', '/user_queue_tokens', { payload: '{"user_id":' });
      expect(response.status).toBe(400);
      expect(typeof response.body.message).toBe('string');
    });

    it('gives 200 concurrent requests of one user one token (one row)', async () => {
      const userId = await insertUser(t.db);
      const responses = await Promise.all(Array.from({ length: 200 }, () => issue(userId)));
      expect(responses.map((r) => r.status)).toEqual(Array(200).fill(201));
      const tokens = new Set(responses.map((r) => r.body.token));
      expect(tokens.size).toBe(1);
      const rows = await t.db.query(
        'SELECT token, status FROM user_queue_tokens WHERE user_id = $1',
        [userId],
      );
      expect(rows).toEqual([{ token: [...tokens][0], status: 'IN_QUEUE' }]);
    });

    it('gives 40 users joining at once 40 distinct places 1..40', async () => {
      const users = await Promise.all(Array.from({ length: 40 }, () => insertUser(t.db)));
      const responses = await Promise.all(users.map((userId) => issue(userId)));
      expect(responses.every((r) => r.status === 201)).toBe(true);
      // Each answer's place is its id's place in line: read back once the line is settled.
      const places = await Promise.all(responses.map((r) => info(r.body.token)));
      expect(places.map((r) => r.body.position).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      const [{ count }] = await t.db.query(
        `SELECT count(*)::int AS count FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
      );
      expect(count).toBe(40);
    });
  });

  describe('GET /user_queue_tokens/token_info', () => {
    it('describes a queued token: place, and an estimate from the settings before any admission', async () => {
      await join();
      const me = await join();
      const response = await info(me.token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        user_id: me.userId,
        status: 'IN_QUEUE',
        position: 2,
        // 100 free slots at 600 a minute: the next tick admits it.
        estimated_wait_seconds: 1,
        expires_at: null,
        performance_seat_book_info: null,
        opens_at: null,
      });
    });

    it('estimates the wait from the session lengths observed and the active sessions ages', async () => {
      const waiting: Joined[] = [];
      for (let i = 0; i < 8; i += 1) waiting.push(await join());
      await setSettings({ max_active: 2 });
      const meanSession = async () =>
        (
          await t.db.query(
            `SELECT CASE WHEN sessions_ended > 0 THEN session_seconds / sessions_ended END AS mean
               FROM queue_settings`,
          )
        )[0].mean;
      // The first tick fills the 2 free slots; a tick every second after it.
      expect(await admit.execute()).toEqual({ ran: true, expired: 0, abandoned: 0, admitted: 2 });
      for (let i = 0; i < 6; i += 1) {
        t.clock.advanceSeconds(1);
        await admit.execute();
      }
      expect(await meanSession()).toBeNull();
      // The first buyer pays 6 s after its admission; the next tick gives its slot on and
      // counts a session of 6.5 s (it ended between the two ticks).
      await t.db.query(
        `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2 WHERE token = $1`,
        [waiting[0].token, t.clock.now()],
      );
      t.clock.advanceSeconds(1);
      expect(await admit.execute()).toMatchObject({ admitted: 1 });
      expect(await meanSession()).toBeCloseTo(6.5, 6);
      for (let i = 0; i < 4; i += 1) {
        t.clock.advanceSeconds(1);
        await admit.execute();
      }
      // Now: one session 4 s old (2.5 s to go), one 11 s old (4.5 s over the mean: as much
      // again). Place 1 gets the first slot to free, place 2 the second, places 3 and 4 the
      // same slots one session later.
      // The fake clock ran 4 s ahead within one real tick: the snapshot is read afresh, as
      // a tick later in real time.
      t.app.get(LineSnapshotService).invalidate();
      const waits = [];
      for (const buyer of waiting.slice(3, 7)) {
        const body = (await info(buyer.token)).body;
        waits.push([body.position, body.estimated_wait_seconds]);
      }
      expect(waits).toEqual([
        [1, 3],
        [2, 5],
        [3, 9],
        [4, 11],
      ]);
    });

    it('gives an admitted token its expiry, and EXPIRED once past the TTL (before the job)', async () => {
      const me = await join();
      await admit.execute();
      const admittedAt = t.clock.now();
      const expiresAt = new Date(admittedAt.getTime() + t.config.queueActiveTtlSeconds * 1000);
      expect((await info(me.token)).body).toEqual({
        user_id: me.userId,
        status: 'IN_PROGRESS',
        position: null,
        estimated_wait_seconds: null,
        expires_at: expiresAt.toISOString(),
        performance_seat_book_info: null,
        opens_at: null,
      });
      const row = await rowOf(me.token);
      expect(row.activated_at?.toISOString()).toBe(admittedAt.toISOString());
      expect(row.expires_at?.toISOString()).toBe(expiresAt.toISOString());

      t.clock.advanceSeconds(t.config.queueActiveTtlSeconds);
      const lapsed = await info(me.token);
      expect(lapsed.status).toBe(200);
      expect(lapsed.body).toMatchObject({ status: 'EXPIRED', expires_at: null, position: null });
      expect((await rowOf(me.token)).status).toBe('IN_PROGRESS');

      expect((await admit.execute()).expired).toBe(1);
      expect(await rowOf(me.token)).toMatchObject({ status: 'EXPIRED' });
      expect((await info(me.token)).body.status).toBe('EXPIRED');
    });

    it("shows the token's seat hold", async () => {
      const me = await join();
      await admit.execute();
      const concertId = await insertConcert(t.db);
      const { seatIds } = await insertPerformance(t.db, concertId, {
        at: new Date(t.clock.now().getTime() + 86_400_000),
        seats: 2,
      });
      const attemptAt = t.clock.now();
      const holdUntil = new Date(attemptAt.getTime() + 300_000);
      await t.db.query(
        `UPDATE performance_seat_book_info
            SET token = $1, user_id = $2, book_attempt_at = $3, expires_at = $4
          WHERE performance_seat_id = $5`,
        [me.token, me.userId, attemptAt, holdUntil, seatIds[1]],
      );
      const [{ id }] = await t.db.query(
        'SELECT id FROM performance_seat_book_info WHERE performance_seat_id = $1',
        [seatIds[1]],
      );
      expect((await info(me.token)).body.performance_seat_book_info).toEqual({
        id: Number(id),
        performance_seat_id: seatIds[1],
        book_attempt_at: attemptAt.toISOString(),
        book_success_at: null,
        expires_at: holdUntil.toISOString(),
      });
    });

    it('writes one sign of life near the head of the line, and none further back', async () => {
      const first = await join();
      const line: Joined[] = [];
      for (let i = 0; i < 150; i += 1) line.push(await join());
      await setSettings({ paused: true, max_active: 10 });
      // The tick marks the zone near the head: 100 waiters at this rate.
      await admit.execute();
      const issuedAt = (await rowOf(first.token)).last_seen_at.toISOString();
      t.clock.advanceSeconds(2);
      // Not yet: the first in line could not be judged within the lead for a while.
      await info(first.token);
      expect((await rowOf(first.token)).last_seen_at.toISOString()).toBe(issuedAt);
      const abandonAfter = t.config.queueAbandonAfterSeconds;
      t.clock.advanceSeconds(abandonAfter - signOfLifeLeadSeconds(abandonAfter) - 2);
      const far = line[149];
      await Promise.all(Array.from({ length: 5 }, () => info(far.token)));
      expect((await rowOf(far.token)).last_seen_at.toISOString()).toBe(issuedAt);
      const polledAt = t.clock.now();
      const polls = await Promise.all(Array.from({ length: 5 }, () => info(first.token)));
      expect(polls.every((r) => r.status === 200)).toBe(true);
      expect((await rowOf(first.token)).last_seen_at.toISOString()).toBe(polledAt.toISOString());
      t.clock.advanceSeconds(30);
      await info(first.token);
      expect((await rowOf(first.token)).last_seen_at.toISOString()).toBe(polledAt.toISOString());
    });

    it.each([
      ['no header', undefined],
      ['an unknown token', newTokenValue()],
      ['a malformed token', 'not-a-token'],
      ['an upper-case token', 'A'.repeat(32)],
    ])('answers 401 Token is invalid for %s', async (_name, token) => {
      const response = await call(t.app, 'GET', '/user_queue_tokens/token_info', { token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token is invalid' });
    });
  });

  describe('the admission job', () => {
    it('admits in issue order up to max_active, and again as slots free up', async () => {
      const line: Joined[] = [];
      for (let i = 0; i < 5; i += 1) line.push(await join());
      await setSettings({ max_active: 2 });
      expect(await admit.execute()).toEqual({ ran: true, expired: 0, abandoned: 0, admitted: 2 });
      expect(await admit.execute()).toMatchObject({ admitted: 0 });
      const statuses = async () =>
        Promise.all(line.map(async (entry) => (await rowOf(entry.token)).status));
      expect(await statuses()).toEqual([
        'IN_PROGRESS',
        'IN_PROGRESS',
        'IN_QUEUE',
        'IN_QUEUE',
        'IN_QUEUE',
      ]);
      // A payment expires a token at once, freeing its slot.
      await t.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE token = $1`, [
        line[0].token,
      ]);
      expect(await admit.execute()).toMatchObject({ admitted: 1 });
      expect(await statuses()).toEqual([
        'EXPIRED',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'IN_QUEUE',
        'IN_QUEUE',
      ]);
    });

    it('expires active tokens past their TTL and admits the next ones into their slots', async () => {
      const line: Joined[] = [];
      for (let i = 0; i < 3; i += 1) line.push(await join());
      await setSettings({ max_active: 2 });
      await admit.execute();
      t.clock.advanceSeconds(t.config.queueActiveTtlSeconds);
      // Keep the third waiter alive while time passes.
      await info(line[2].token);
      expect(await admit.execute()).toEqual({ ran: true, expired: 2, abandoned: 0, admitted: 1 });
      const first = await rowOf(line[0].token);
      expect(first.status).toBe('EXPIRED');
      expect(first.expired_at?.toISOString()).toBe(t.clock.now().toISOString());
      expect((await rowOf(line[2].token)).status).toBe('IN_PROGRESS');
    });

    it('drops an abandoned waiter at the head and admits the next one instead', async () => {
      const gone = await join();
      // A paused tick marks the near-head zone: from now on the waiters there owe a sign of life.
      await setSettings({ paused: true });
      await admit.execute();
      t.clock.advanceSeconds(t.config.queueAbandonAfterSeconds);
      const present = await join();
      const third = await join();
      await setSettings({ max_active: 1, paused: false });
      expect(await admit.execute()).toEqual({ ran: true, expired: 0, abandoned: 1, admitted: 1 });
      expect(await rowOf(gone.token)).toMatchObject({ status: 'EXPIRED', activated_at: null });
      expect((await rowOf(present.token)).status).toBe('IN_PROGRESS');
      expect((await info(third.token)).body.position).toBe(1);
      expect((await info(gone.token)).body).toMatchObject({ status: 'EXPIRED', position: null });
    });

    it('keeps a waiter that polls within QUEUE_ABANDON_AFTER_SECONDS', async () => {
      const me = await join();
      t.clock.advanceSeconds(t.config.queueAbandonAfterSeconds - 10);
      await info(me.token);
      t.clock.advanceSeconds(20);
      expect(await admit.execute()).toMatchObject({ abandoned: 0, admitted: 1 });
      expect((await rowOf(me.token)).status).toBe('IN_PROGRESS');
    });

    it('admits nobody while paused, and resumes when unpaused', async () => {
      const me = await join();
      await setSettings({ paused: true });
      expect(await admit.execute()).toEqual({ ran: true, expired: 0, abandoned: 0, admitted: 0 });
      expect((await rowOf(me.token)).status).toBe('IN_QUEUE');
      await setSettings({ paused: false });
      expect((await admit.execute()).admitted).toBe(1);
    });

    it('respects admit_per_minute across ticks within a sliding minute', async () => {
      for (let i = 0; i < 8; i += 1) await join();
      await setSettings({ admit_per_minute: 3 });
      expect((await admit.execute()).admitted).toBe(3);
      t.clock.advanceSeconds(20);
      expect((await admit.execute()).admitted).toBe(0);
      t.clock.advanceSeconds(39);
      expect((await admit.execute()).admitted).toBe(0);
      t.clock.advanceSeconds(1);
      // Waiters not polling for a minute are still well within the abandon delay.
      expect((await admit.execute()).admitted).toBe(3);
      const [{ count }] = await t.db.query(
        `SELECT count(*)::int AS count FROM user_queue_tokens WHERE status = 'IN_PROGRESS'`,
      );
      expect(count).toBe(6);
    });

    it('skips the tick while another instance holds the admission lock', async () => {
      await join();
      const runner = t.db.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [
          ADVISORY_LOCKS.queueAdmission.classId,
          ADVISORY_LOCKS.queueAdmission.objectId,
        ]);
        expect(await admit.execute()).toEqual({
          ran: false,
          expired: 0,
          abandoned: 0,
          admitted: 0,
        });
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      expect((await admit.execute()).admitted).toBe(1);
    });
  });

  describe('Swagger', () => {
    it('documents every queue endpoint, status and example, and the token header', async () => {
      const doc = (await call(t.app, 'GET', '/docs-json')).body;
      const example = (operation: any, status: string) =>
        operation.responses[status].content['application/json'];
      const issue = doc.paths['/user_queue_tokens'].post;
      expect(issue.requestBody.content['application/json'].schema.$ref).toMatch(
        /IssueQueueTokenRequestDto$/,
      );
      expect(example(issue, '201').example).toMatchObject({ status: 'IN_QUEUE' });
      expect(
        Object.values(example(issue, '400').examples).map((entry: any) => entry.value.message),
      ).toEqual(['User not found', 'user_id must be a UUID']);

      const tokenInfo = doc.paths['/user_queue_tokens/token_info'].get;
      expect(tokenInfo.security).toEqual([{ 'queue-token': [] }]);
      expect(example(tokenInfo, '200').example).toMatchObject({ status: 'IN_QUEUE', position: 42 });
      expect(example(tokenInfo, '401').example).toEqual({ message: 'Token is invalid' });
      expect(doc.components.securitySchemes['queue-token']).toMatchObject({
        type: 'apiKey',
        in: 'header',
        name: 'X-Reservation-Token',
      });

      const adminQueue = doc.paths['/admin/queue'];
      for (const operation of [adminQueue.get, adminQueue.patch]) {
        expect(operation.security).toEqual([{ 'admin-key': [] }]);
        expect(example(operation, '200').example).toHaveProperty('max_active');
        expect(example(operation, '401').example).toEqual({ message: 'Admin key is invalid' });
      }
      expect(adminQueue.patch.requestBody.required).toBe(false);
      expect(Object.keys(example(adminQueue.patch, '400').examples)).toHaveLength(4);
    });
  });

  describe('GET and PATCH /admin/queue', () => {
    it('answers the line and the effective settings', async () => {
      await join();
      await join();
      await insertActiveToken(t.db, await insertUser(t.db), t.clock.now());
      const response = await call(t.app, 'GET', '/admin/queue', { headers: admin });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        waiting: 2,
        active: 1,
        max_active: t.config.queueMaxActiveTokens,
        admit_per_minute: t.config.queueAdmitPerMinute,
        paused: false,
        opens_at: null,
        prequeue: 0,
      });
    });

    it('changes settings partially, stores them, and answers the new state', async () => {
      const patched = await call(t.app, 'PATCH', '/admin/queue', {
        headers: admin,
        body: { max_active: 7 },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({
        waiting: 0,
        active: 0,
        max_active: 7,
        admit_per_minute: t.config.queueAdmitPerMinute,
        paused: false,
        opens_at: null,
        prequeue: 0,
      });
      await setSettings({ admit_per_minute: 0, paused: true });
      const [row] = await t.db.query(
        'SELECT max_active, admit_per_minute, paused FROM queue_settings WHERE id = 1',
      );
      expect(row).toEqual({ max_active: 7, admit_per_minute: 0, paused: true });
      expect((await call(t.app, 'GET', '/admin/queue', { headers: admin })).body).toMatchObject({
        max_active: 7,
        admit_per_minute: 0,
        paused: true,
      });
    });

    it('changes nothing with an empty body, and null restores the environment value', async () => {
      await setSettings({ max_active: 3, admit_per_minute: 4 });
      for (const options of [{ body: {} }, {}]) {
        const response = await call(t.app, 'PATCH', '/admin/queue', { headers: admin, ...options });
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ max_active: 3, admit_per_minute: 4 });
      }
      expect(await setSettings({ max_active: null })).toMatchObject({
        max_active: t.config.queueMaxActiveTokens,
        admit_per_minute: 4,
      });
      const [row] = await t.db.query('SELECT max_active FROM queue_settings WHERE id = 1');
      expect(row.max_active).toBeNull();
    });

    it('is obeyed by the next tick', async () => {
      for (let i = 0; i < 4; i += 1) await join();
      await setSettings({ max_active: 3 });
      expect((await admit.execute()).admitted).toBe(3);
      await setSettings({ max_active: 4 });
      expect((await admit.execute()).admitted).toBe(1);
    });

    it.each([
      [{ max_active: -1 }, 'max_active must be a non-negative integer (at most 1000000)'],
      [{ max_active: 1.5 }, 'max_active must be a non-negative integer (at most 1000000)'],
      [{ max_active: '5' }, 'max_active must be a non-negative integer (at most 1000000)'],
      [{ max_active: 1_000_001 }, 'max_active must be a non-negative integer (at most 1000000)'],
      [
        { admit_per_minute: -3 },
        'admit_per_minute must be a non-negative integer (at most 1000000)',
      ],
      [
        { admit_per_minute: true },
        'admit_per_minute must be a non-negative integer (at most 1000000)',
      ],
      [{ paused: 'yes' }, 'paused must be a boolean'],
      [{ paused: null }, 'paused must be a boolean'],
      [{ max_active: 5, waiting: 3 }, 'property waiting should not exist'],
    ])('answers 400 naming the field for %j and changes nothing', async (body, message) => {
      const [before] = await t.db.query('SELECT * FROM queue_settings');
      const response = await call(t.app, 'PATCH', '/admin/queue', { headers: admin, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message });
      const [after] = await t.db.query('SELECT * FROM queue_settings');
      expect(after).toEqual(before);
    });

    it.each([
      ['GET', undefined],
      ['PATCH', { paused: true }],
    ] as const)(
      'answers %s with 401 Admin key is invalid without the key',
      async (method, body) => {
        for (const headers of [{}, { 'x-admin-key': 'wrong' }] as Record<string, string>[]) {
          const response = await call(t.app, method, '/admin/queue', { headers, body });
          expect(response.status).toBe(401);
          expect(response.body).toEqual({ message: 'Admin key is invalid' });
        }
        const [row] = await t.db.query('SELECT paused FROM queue_settings');
        expect(row.paused).toBe(false);
      },
    );
  });
});
