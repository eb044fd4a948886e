import { resetQueue } from '../support/queue-reset';
import { TestingModuleBuilder } from '@nestjs/testing';
import { AddressInfo } from 'node:net';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { AppConfig } from '@app/common/config/app-config';
import {
  AdmitQueuedTokensUseCase,
  TOKEN_INFO_STREAM_OPTIONS,
  TokenInfoStreamHub,
} from '@app/queue';
import { LineSnapshotService } from '@app/queue/application/line-snapshot.service';
import { signOfLifeLeadSeconds } from '@app/queue/domain/waiting-line';
import { loggerParams } from '../../apps/api/src/logging/logger-params';
import { ADMIN_KEY, createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import {
  insertActiveToken,
  insertConcert,
  insertHold,
  insertPerformance,
  insertUser,
  newTokenValue,
} from '../support/fixtures';
import { openStream, SseStream } from '../support/sse';
import { sleep } from '../support/app-process';

/** The hub's shared refresh runs every SCHEDULER_INTERVAL_MS: short, so that tests are quick. */
const TICK_MS = 100;
const HEARTBEAT_MS = 300;

async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function streamOptions(builder: TestingModuleBuilder): TestingModuleBuilder {
  return builder
    .overrideProvider(TOKEN_INFO_STREAM_OPTIONS)
    .useValue({ heartbeatMs: HEARTBEAT_MS });
}

const admin = { 'x-admin-key': ADMIN_KEY };

describe('GET /user_queue_tokens/events: live position by server-sent events', () => {
  let t: TestApp;
  let base: string;
  let admit: AdmitQueuedTokensUseCase;
  let hub: TokenInfoStreamHub;
  const open: SseStream[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: { SCHEDULER_INTERVAL_MS: String(TICK_MS) },
      configure: streamOptions,
    });
    base = await listen(t);
    admit = t.app.get(AdmitQueuedTokensUseCase);
    hub = t.app.get(TokenInfoStreamHub);
  });
  afterAll(async () => {
    for (const stream of open) stream.close();
    await t.close();
  });

  beforeEach(() => resetQueue(t));
  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });

  async function stream(query: string, headers: Record<string, string> = {}) {
    const opened = await openStream(`${base}/user_queue_tokens/events${query}`, headers);
    open.push(opened);
    return opened;
  }

  async function join(): Promise<{ userId: string; token: string }> {
    const userId = await insertUser(t.db);
    const response = await call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
    expect(response.status).toBe(201);
    return { userId, token: response.body.token };
  }

  async function tokenInfo(token: string) {
    const response = await call(t.app, 'GET', '/user_queue_tokens/token_info', { token });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function settle(count: number): Promise<void> {
    for (let waited = 0; hub.size !== count && waited < 3000; waited += 20) await sleep(20);
    expect(hub.size).toBe(count);
  }

  it('is documented in the OpenAPI document as a text/event-stream, with its 401', async () => {
    const doc = (await call(t.app, 'GET', '/docs-json')).body;
    const operation = doc.paths['/user_queue_tokens/events'].get;
    expect(operation.security).toEqual([{ 'queue-token': [] }]);
    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: 'token', in: 'query', required: false }),
    ]);
    const stream = operation.responses['200'].content['text/event-stream'];
    expect(stream.example).toMatch(/^event: token_info\ndata: \{/);
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/event-stream']);
    expect(operation.responses['401'].content['application/json'].example).toEqual({
      message: 'Token is invalid',
    });
  });

  it('answers an unknown, malformed or missing token with 401 JSON and no stream', async () => {
    for (const query of [`?token=${newTokenValue()}`, '?token=not-a-token', '', '?token=']) {
      const response = await stream(query);
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(await response.body)).toEqual({ message: 'Token is invalid' });
    }
    const byHeader = await stream('', { 'x-reservation-token': newTokenValue() });
    expect(byHeader.status).toBe(401);
    expect(JSON.parse(await byHeader.body)).toEqual({ message: 'Token is invalid' });
    expect(hub.size).toBe(0);
  });

  it('sends the token_info answer at once, with the stream headers (token in the query)', async () => {
    await join();
    const { token } = await join();
    const started = Date.now();
    const response = await stream(`?token=${token}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['cache-control']).toMatch(/^no-cache/);
    expect(response.headers['x-accel-buffering']).toBe('no');
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
    const first = await response.nextEvent(0, 2000);
    // Far sooner than a tick after the connection, not at the next refresh.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.event).toBe('token_info');
    const data = JSON.parse(first.data);
    expect(data).toEqual(await tokenInfo(token));
    expect(data).toMatchObject({ status: 'IN_QUEUE', position: 2, expires_at: null });
    expect(response.isEnded()).toBe(false);
  });

  it('takes the token from the X-Reservation-Token header too', async () => {
    const { token, userId } = await join();
    const response = await stream('', { 'x-reservation-token': token });
    expect(response.status).toBe(200);
    const data = JSON.parse((await response.nextEvent(0)).data);
    expect(data).toMatchObject({ user_id: userId, status: 'IN_QUEUE', position: 1 });
  });

  it('sends one event when an admission moves the line, and none while nothing changes', async () => {
    const ahead = await join();
    await join();
    const me = await join();
    const response = await stream(`?token=${me.token}`);
    expect(JSON.parse((await response.nextEvent(0)).data)).toMatchObject({ position: 3 });
    // Several ticks with nothing new: no event, however often the hub recomputes.
    await sleep(TICK_MS * 5);
    expect(response.events).toHaveLength(1);

    await call(t.app, 'PATCH', '/admin/queue', {
      headers: admin,
      body: { max_active: 1, admit_per_minute: 1000 },
    });
    expect(await admit.execute()).toMatchObject({ admitted: 1 });
    const moved = await response.eventWhere((data) => data.position === 2, 1, 3000);
    expect(moved.data).toMatchObject({ status: 'IN_QUEUE', position: 2 });
    // Settled: the last event is what token_info answers, and nothing more comes.
    await sleep(TICK_MS * 5);
    const settled = response.events.length;
    expect(JSON.parse(response.events[settled - 1].data)).toEqual(await tokenInfo(me.token));
    await sleep(TICK_MS * 5);
    expect(response.events).toHaveLength(settled);

    // The first two leave (one pays, one times out); the third is let in.
    await t.db.query(`UPDATE user_queue_tokens SET status = 'EXPIRED' WHERE token = $1`, [
      ahead.token,
    ]);
    await call(t.app, 'PATCH', '/admin/queue', { headers: admin, body: { max_active: 2 } });
    expect(await admit.execute()).toMatchObject({ admitted: 2 });
    const admitted = await response.eventWhere(
      (data) => data.status === 'IN_PROGRESS',
      settled,
      3000,
    );
    expect(admitted.data).toMatchObject({
      position: null,
      estimated_wait_seconds: null,
      expires_at: expect.stringMatching(/Z$/),
    });
    expect(admitted.data).toEqual(await tokenInfo(me.token));
    expect(response.isEnded()).toBe(false);
  });

  it('sends EXPIRED when the token passes its TTL, then closes the stream', async () => {
    const userId = await insertUser(t.db);
    const token = await insertActiveToken(t.db, userId, t.clock.now(), 60);
    const response = await stream(`?token=${token}`);
    expect(JSON.parse((await response.nextEvent(0)).data)).toMatchObject({ status: 'IN_PROGRESS' });
    t.clock.advanceSeconds(61);
    const expired = JSON.parse((await response.nextEvent(1, 3000)).data);
    expect(expired).toMatchObject({ status: 'EXPIRED', expires_at: null, position: null });
    await response.ended;
    expect(response.events).toHaveLength(2);
    await settle(0);
  });

  it('sends EXPIRED when a payment expires the token, then closes the stream', async () => {
    const userId = await insertUser(t.db);
    const token = await insertActiveToken(t.db, userId, t.clock.now());
    const response = await stream(`?token=${token}`);
    await response.nextEvent(0);
    await t.db.query(
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = now() WHERE token = $1`,
      [token],
    );
    expect(JSON.parse((await response.nextEvent(1, 3000)).data)).toMatchObject({
      status: 'EXPIRED',
    });
    await response.ended;
  });

  it('sends each expired token its own seat hold, as token_info shows it (the batched hold read)', async () => {
    const concertId = await insertConcert(t.db);
    const { seatIds } = await insertPerformance(t.db, concertId, {
      at: new Date(t.clock.now().getTime() + 86_400_000),
      seats: 2,
    });
    const buyers: { userId: string; token: string }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const userId = await insertUser(t.db);
      buyers.push({ userId, token: await insertActiveToken(t.db, userId, t.clock.now()) });
    }
    // The first holds seat 1; the second held seat 2, and the release job cleared its row
    // (only the booking log remembers it); the third never held one.
    await insertHold(t.db, seatIds[0], buyers[0], t.clock.now());
    await insertHold(t.db, seatIds[1], buyers[1], t.clock.now());
    await t.db.query(
      `UPDATE performance_seat_book_info
          SET token = NULL, user_id = NULL, book_attempt_at = NULL, expires_at = NULL
        WHERE performance_seat_id = $1`,
      [seatIds[1]],
    );
    const streams = await Promise.all(buyers.map(({ token }) => stream(`?token=${token}`)));
    await Promise.all(streams.map((s) => s.nextEvent(0)));
    await t.db.query(
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = now() WHERE token = ANY($1)`,
      [buyers.map(({ token }) => token)],
    );
    const expired = await Promise.all(
      streams.map(async (s) => JSON.parse((await s.nextEvent(1, 3000)).data)),
    );
    for (const [i, { token }] of buyers.entries()) {
      expect(expired[i]).toEqual(await tokenInfo(token));
      expect(expired[i].status).toBe('EXPIRED');
    }
    expect(expired[0].performance_seat_book_info).toMatchObject({
      performance_seat_id: seatIds[0],
    });
    expect(expired[1].performance_seat_book_info).toMatchObject({
      performance_seat_id: seatIds[1],
      expires_at: expect.stringMatching(/Z$/),
    });
    expect(expired[2].performance_seat_book_info).toBeNull();
    await Promise.all(streams.map((s) => s.ended));
  });

  it('answers an already EXPIRED token with one event, then closes', async () => {
    const userId = await insertUser(t.db);
    const token = await insertActiveToken(t.db, userId, t.clock.now(), 60);
    t.clock.advanceSeconds(120);
    const response = await stream(`?token=${token}`);
    expect(response.status).toBe(200);
    await response.ended;
    expect(response.events.map((event) => JSON.parse(event.data).status)).toEqual(['EXPIRED']);
    expect(hub.size).toBe(0);
  });

  it('sends a keep-alive comment while nothing changes', async () => {
    const { token } = await join();
    const response = await stream(`?token=${token}`);
    await response.nextEvent(0);
    expect(await response.nextComment(0, HEARTBEAT_MS * 4)).toBe('keep-alive');
    expect(await response.nextComment(1, HEARTBEAT_MS * 4)).toBe('keep-alive');
    expect(response.events).toHaveLength(1);
  });

  it('forgets a stream when its client goes away', async () => {
    const { token } = await join();
    const streams = await Promise.all([1, 2, 3].map(() => stream(`?token=${token}`)));
    await Promise.all(streams.map((s) => s.nextEvent(0)));
    expect(hub.size).toBe(3);
    streams[0].close();
    streams[1].close();
    await settle(1);
    streams[2].close();
    await settle(0);
  });

  it('tells every one of many streams about an admission, from one shared refresh', async () => {
    const STREAMS = 150;
    const waiters: { userId: string; token: string }[] = [];
    for (let i = 0; i < 5; i += 1) waiters.push(await join());
    const streams = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => stream(`?token=${waiters[i % 5].token}`)),
    );
    await Promise.all(streams.map((s) => s.nextEvent(0)));
    expect(hub.size).toBe(STREAMS);
    await call(t.app, 'PATCH', '/admin/queue', {
      headers: admin,
      body: { max_active: 1, admit_per_minute: 1000 },
    });
    await admit.execute();
    // Each stream reaches its new place (an estimate may change on the way).
    await Promise.all(
      streams.map((s, i) =>
        s.eventWhere(
          (data) => (i % 5 === 0 ? data.status === 'IN_PROGRESS' : data.position === i % 5),
          1,
          10_000,
        ),
      ),
    );
  });

  /** Every statement the app sends from now on (each goes through a PostgresQueryRunner). */
  function captureStatements(): { sql: string; parameters: unknown[] }[] {
    const captured: { sql: string; parameters: unknown[] }[] = [];
    const original = PostgresQueryRunner.prototype.query;
    jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (
      this: PostgresQueryRunner,
      ...args: Parameters<PostgresQueryRunner['query']>
    ) {
      captured.push({ sql: String(args[0]), parameters: (args[1] as unknown[]) ?? [] });
      return original.apply(this, args);
    });
    return captured;
  }
  const readsTokens = (sql: string) => /FROM user_queue_tokens WHERE token = /.test(sql);

  it('reads the tokens that left the line in one statement per refresh, not one per stream', async () => {
    const STREAMS = 30;
    const ADMITTED = 20;
    const waiters: { token: string }[] = [];
    for (let i = 0; i < STREAMS; i += 1) waiters.push(await join());
    const streams = await Promise.all(waiters.map(({ token }) => stream(`?token=${token}`)));
    await Promise.all(streams.map((s) => s.nextEvent(0)));
    const statements = captureStatements();
    try {
      await call(t.app, 'PATCH', '/admin/queue', {
        headers: admin,
        body: { max_active: ADMITTED, admit_per_minute: 1000 },
      });
      expect(await admit.execute()).toMatchObject({ admitted: ADMITTED });
      await Promise.all(
        streams.map((s, i) =>
          s.eventWhere(
            (data) =>
              i < ADMITTED ? data.status === 'IN_PROGRESS' : data.position === i - ADMITTED + 1,
            1,
            5000,
          ),
        ),
      );
      // The admitted tokens were read together, never one by one.
      const reads = statements.filter(({ sql }) => readsTokens(sql));
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.every(({ sql }) => sql.includes('ANY($1::text[])'))).toBe(true);
      expect(reads[0].parameters[0]).toEqual(
        expect.arrayContaining(waiters.slice(0, ADMITTED).map(({ token }) => token)),
      );
      // Their seat holds too: one statement for all the answers that changed.
      const holds = statements.filter(({ sql }) => sql.includes('performance_seat_book_info'));
      expect(holds).toHaveLength(1);

      // Then, ten ticks with twenty active streams: at most one read per refresh (the
      // refresh checks active tokens against the database), not one per stream per tick.
      statements.splice(0);
      await sleep(TICK_MS * 10);
      const steady = statements.filter(({ sql }) => readsTokens(sql));
      expect(steady.length).toBeLessThanOrEqual(15);
      expect(
        steady.every(({ parameters }) => (parameters[0] as string[]).length === ADMITTED),
      ).toBe(true);
      // Nothing changed: no seat hold read, no event.
      expect(statements.filter(({ sql }) => sql.includes('performance_seat_book_info'))).toEqual(
        [],
      );
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('writes the sign of life of a polling waiter whose row has microseconds', async () => {
    const token = newTokenValue();
    await t.db.query(
      `INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       VALUES ($1, $2, 'IN_QUEUE', $3::timestamptz + interval '456 microseconds',
               $3::timestamptz + interval '456 microseconds')`,
      [await insertUser(t.db), token, t.clock.now()],
    );
    t.clock.advanceSeconds(1);
    await call(t.app, 'PATCH', '/admin/queue', { headers: admin, body: { max_active: 0 } });
    const zoneAt = t.clock.now();
    await admit.execute();
    // Asked for from the abandonment delay minus the lead after it came near the head.
    const abandonAfter = t.app.get(AppConfig).queueAbandonAfterSeconds;
    t.clock.advanceSeconds(abandonAfter - signOfLifeLeadSeconds(abandonAfter));
    t.app.get(LineSnapshotService).invalidate();
    expect(await tokenInfo(token)).toMatchObject({ status: 'IN_QUEUE', position: 1 });
    const [row] = await t.db.query('SELECT last_seen_at FROM user_queue_tokens WHERE token = $1', [
      token,
    ]);
    expect(row.last_seen_at.getTime()).toBeGreaterThan(zoneAt.getTime());
  });

  it('writes the sign of life of streaming waiters near the head, in one statement', async () => {
    const waiters: { token: string }[] = [];
    for (let i = 0; i < 2; i += 1) waiters.push(await join());
    // One written by SQL, with microseconds a JavaScript Date does not keep.
    const inserted = newTokenValue();
    await t.db.query(
      `INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       VALUES ($1, $2, 'IN_QUEUE', $3::timestamptz + interval '123 microseconds',
               $3::timestamptz + interval '123 microseconds')`,
      [await insertUser(t.db), inserted, t.clock.now()],
    );
    waiters.push({ token: inserted });
    const streams = await Promise.all(waiters.map(({ token }) => stream(`?token=${token}`)));
    await Promise.all(streams.map((s) => s.nextEvent(0)));
    t.clock.advanceSeconds(1);
    const zoneAt = t.clock.now();
    t.clock.advanceSeconds(1);
    const statements = captureStatements();
    try {
      // The near-head zone (as the admission tick marks it) has covered the three waiters
      // since zoneAt: they owe a sign of life, which their open streams give.
      await t.db.query('INSERT INTO queue_zone_marks (at, zone_key) VALUES ($1, $2)', [
        zoneAt,
        Number.MAX_SAFE_INTEGER,
      ]);
      // Asked for from the abandonment delay minus the lead after they came near the head.
      const abandonAfter = t.app.get(AppConfig).queueAbandonAfterSeconds;
      t.clock.advanceSeconds(abandonAfter - signOfLifeLeadSeconds(abandonAfter));
      t.app.get(LineSnapshotService).invalidate();
      const seen = async (): Promise<number[]> =>
        (
          await t.db.query(
            `SELECT last_seen_at FROM user_queue_tokens WHERE token = ANY($1) ORDER BY id`,
            [waiters.map(({ token }) => token)],
          )
        ).map((row: { last_seen_at: Date }) => row.last_seen_at.getTime());
      for (let waited = 0; waited < 3000; waited += 50) {
        if ((await seen()).every((at) => at > zoneAt.getTime())) break;
        await sleep(50);
      }
      expect((await seen()).every((at) => at > zoneAt.getTime())).toBe(true);
      const writes = statements.filter(({ sql }) => sql.includes('SET last_seen_at'));
      expect(writes).toHaveLength(1);
      expect(writes[0].parameters[0]).toHaveLength(3);
      // Written once: further refreshes owe nothing.
      await sleep(TICK_MS * 5);
      expect(statements.filter(({ sql }) => sql.includes('SET last_seen_at'))).toHaveLength(1);
    } finally {
      jest.restoreAllMocks();
    }
  });
});

describe('GET /user_queue_tokens/events: two instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let stream: SseStream | undefined;

  beforeAll(async () => {
    a = await createTestApp({ env: { SCHEDULER_INTERVAL_MS: String(TICK_MS) } });
    b = await createTestApp({
      databaseUrl: a.databaseUrl,
      clock: a.clock,
      env: { SCHEDULER_INTERVAL_MS: String(TICK_MS) },
    });
  });
  afterAll(async () => {
    stream?.close();
    await b.close();
    await a.close();
  });

  it('shows a client of instance B the admission made by instance A within a tick', async () => {
    const baseB = await listen(b);
    const users = [await insertUser(a.db), await insertUser(a.db)];
    const tokens: string[] = [];
    for (const userId of users) {
      const issued = await call(a.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
      tokens.push(issued.body.token);
    }
    stream = await openStream(`${baseB}/user_queue_tokens/events?token=${tokens[1]}`);
    expect(JSON.parse((await stream.nextEvent(0)).data)).toMatchObject({ position: 2 });
    await call(a.app, 'PATCH', '/admin/queue', {
      headers: admin,
      body: { max_active: 2, admit_per_minute: 1000 },
    });
    const admittedAt = Date.now();
    expect(await a.app.get(AdmitQueuedTokensUseCase).execute()).toMatchObject({ admitted: 2 });
    await stream.eventWhere((data) => data.status === 'IN_PROGRESS', 1, 3000);
    // One refresh period of B, plus the time a refresh takes.
    expect(Date.now() - admittedAt).toBeLessThan(TICK_MS + 500);
  });
});

describe('GET /user_queue_tokens/events: logs and shutdown', () => {
  class CapturedLog {
    raw = '';
    write(chunk: string): void {
      this.raw += chunk;
    }
  }

  it('never writes the token of the URL to the log', async () => {
    const log = new CapturedLog();
    const t = await createTestApp({
      env: { LOG_LEVEL: 'info', SCHEDULER_INTERVAL_MS: String(TICK_MS) },
      configure: (builder) =>
        builder.overrideProvider(PARAMS_PROVIDER_TOKEN).useFactory({
          factory: (config: AppConfig) => loggerParams(config, log),
          inject: [AppConfig],
        }),
    });
    try {
      const base = await listen(t);
      const userId = await insertUser(t.db);
      const token = await insertActiveToken(t.db, userId, t.clock.now(), 60);
      const live = await openStream(`${base}/user_queue_tokens/events?token=${token}`);
      await live.nextEvent(0);
      live.close();
      const unknown = newTokenValue();
      const refused = await openStream(`${base}/user_queue_tokens/events?x=1&token=${unknown}`);
      expect(refused.status).toBe(401);
      await refused.body;
      const inHeader = newTokenValue();
      await (
        await openStream(`${base}/user_queue_tokens/events`, { 'x-reservation-token': inHeader })
      ).body;
      t.clock.advanceSeconds(61);
      const ended = await openStream(`${base}/user_queue_tokens/events?token=${token}`);
      await ended.ended;
      for (
        let waited = 0;
        (log.raw.match(/"url":"\/user_queue_tokens\/events/g) ?? []).length < 4 && waited < 3000;
        waited += 50
      ) {
        await sleep(50);
      }
      await sleep(200);
      // One "request completed" line per stream request (no request logger of its own, see
      // stream-access-log.ts), each with its request id.
      const lines = log.raw
        .split('\n')
        .filter((line) => line.includes('"url":"/user_queue_tokens/events'))
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(4);
      for (const line of lines) {
        expect(line).toMatchObject({ msg: 'request completed', reqId: expect.any(String) });
        expect(line.res.statusCode).toEqual(expect.any(Number));
      }
      expect(lines.map((line) => line.res.statusCode).sort()).toEqual([200, 200, 401, 401]);
      expect(log.raw).toContain('"url":"/user_queue_tokens/events?token=[Redacted]"');
      expect(log.raw).toContain('"url":"/user_queue_tokens/events?x=1&token=[Redacted]"');
      expect(log.raw).not.toContain(token);
      expect(log.raw).not.toContain(unknown);
      expect(log.raw).not.toContain(inHeader);
    } finally {
      await t.close();
    }
  });

  it('closes the open streams when the app stops, so that the drain does not hang', async () => {
    const t = await createTestApp({ env: { SCHEDULER_INTERVAL_MS: String(TICK_MS) } });
    const base = await listen(t);
    const userId = await insertUser(t.db);
    const token = await insertActiveToken(t.db, userId, t.clock.now());
    const streams = await Promise.all(
      [1, 2, 3].map(() => openStream(`${base}/user_queue_tokens/events?token=${token}`)),
    );
    await Promise.all(streams.map((s) => s.nextEvent(0)));
    const closing = t.close();
    const outcome = await Promise.race([
      closing.then(() => 'closed'),
      sleep(5000).then(() => 'still open after 5 s'),
    ]);
    if (outcome !== 'closed') {
      // Let the app finish stopping before the test fails.
      for (const s of streams) s.close();
      await closing;
    }
    expect(outcome).toBe('closed');
    await Promise.all(streams.map((s) => s.ended));
  });
});
