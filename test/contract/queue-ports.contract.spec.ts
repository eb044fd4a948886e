import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { LineSnapshotRepository } from '@app/queue/application/port/out/line-snapshot.repository';
import { QueueLineRepository } from '@app/queue/application/port/out/queue-line.repository';
import { QueueSettingsRepository } from '@app/queue/application/port/out/queue-settings.repository';
import {
  QueueTokenRepository,
  TokenSeatHold,
} from '@app/queue/application/port/out/queue-token.repository';
import { UserDirectoryRepository } from '@app/queue/application/port/out/user-directory.repository';
import { NO_THROUGHPUT } from '@app/queue/domain/line-throughput';
import { TokenStatus } from '@app/queue/domain/queue-token';
import { InMemoryQueue } from '../support/fakes/in-memory-queue';
import {
  insertConcert,
  insertHold,
  insertPerformance,
  insertUser,
  newTokenValue,
} from '../support/fixtures';
import { QUEUE_SETTINGS_AS_MIGRATED_SQL } from '../support/queue-settings-sql';
import { TestApp } from '../support/test-app';
import { describeContract } from './describe-contract';

/**
 * The queue's out-ports (tokens, the line, the settings, the user directory): the in-memory
 * fake and the TypeORM adapters on PostgreSQL answer the same cases the same way.
 */
interface SeedToken {
  status: TokenStatus;
  lineKey?: number | null;
  createdAt?: Date;
  lastSeenAt?: Date;
  activatedAt?: Date | null;
  expiresAt?: Date | null;
  userId?: string;
}

interface QueueWorld {
  tokens: QueueTokenRepository;
  line: QueueLineRepository;
  settings: QueueSettingsRepository;
  users: UserDirectoryRepository;
  snapshots: LineSnapshotRepository;
  tx<T>(work: () => Promise<T>): Promise<T>;
  addUser(): Promise<string>;
  /** A token of a fresh user unless `userId` is given; answers its id, value and user. */
  addToken(seed: SeedToken): Promise<{ id: number; token: string; userId: string }>;
  statusOf(id: number): Promise<{ status: TokenStatus; lastSeenAt: Date; expiresAt: Date | null }>;
  /** A live hold of a seat by the token, taken at `at` (written by booking). */
  hold(token: { token: string; userId: string }, at: Date): Promise<TokenSeatHold>;
}

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

function defaults(seed: SeedToken) {
  const createdAt = seed.createdAt ?? at(-600);
  const active = seed.status === 'IN_PROGRESS';
  return {
    status: seed.status,
    lineKey: seed.lineKey === undefined ? null : seed.lineKey,
    createdAt,
    lastSeenAt: seed.lastSeenAt ?? createdAt,
    activatedAt: seed.activatedAt ?? (active ? at(-60) : null),
    expiresAt: seed.expiresAt ?? (active ? at(540) : null),
  };
}

function inMemoryWorld(): QueueWorld {
  const q = new InMemoryQueue();
  return {
    tokens: q.tokenRepository,
    line: q.lineRepository,
    settings: q.settingsRepository,
    users: q.userDirectory,
    snapshots: q.snapshotRepository,
    tx: (work) => q.transactions.run(work),
    async addUser() {
      const id = randomUUID();
      q.users.add(id);
      return id;
    },
    async addToken(seed) {
      const userId = seed.userId ?? randomUUID();
      q.users.add(userId);
      const token = q.addToken({ userId, token: newTokenValue(), ...defaults(seed) });
      return { id: token.id, token: token.token, userId };
    },
    async statusOf(id) {
      const token = q.byId(id);
      return { status: token.status, lastSeenAt: token.lastSeenAt, expiresAt: token.expiresAt };
    },
    async hold({ token }, heldAt) {
      const seat = 500 + q.seatHolds.size;
      const hold = {
        id: seat,
        performanceSeatId: seat,
        bookAttemptAt: heldAt,
        bookSuccessAt: null,
        expiresAt: new Date(heldAt.getTime() + 300_000),
      };
      q.seatHolds.set(token, hold);
      return hold;
    },
  };
}

function sqlWorld(t: TestApp): QueueWorld {
  const runner = t.app.get(TransactionRunner);
  return {
    tokens: t.app.get(QueueTokenRepository),
    line: t.app.get(QueueLineRepository),
    settings: t.app.get(QueueSettingsRepository),
    users: t.app.get(UserDirectoryRepository),
    snapshots: t.app.get(LineSnapshotRepository),
    tx: (work) => runner.run(work),
    addUser: () => insertUser(t.db),
    async addToken(seed) {
      const userId = seed.userId ?? (await insertUser(t.db));
      const row = defaults(seed);
      const token = newTokenValue();
      const [{ id }] = await t.db.query(
        `INSERT INTO user_queue_tokens (user_id, token, status, line_key, created_at,
                                        last_seen_at, activated_at, expires_at, expired_at,
                                        prequeue_seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 CASE WHEN $3::token_statuses = 'IN_QUEUE' AND $4::bigint IS NULL
                      THEN nextval('user_queue_tokens_prequeue_seq') END)
         RETURNING id`,
        [
          userId,
          token,
          row.status,
          row.lineKey,
          row.createdAt,
          row.lastSeenAt,
          row.activatedAt,
          row.expiresAt,
          row.status === 'EXPIRED' ? at(-1) : null,
        ],
      );
      return { id: Number(id), token, userId };
    },
    async statusOf(id) {
      const [row] = await t.db.query(
        'SELECT status, last_seen_at, expires_at FROM user_queue_tokens WHERE id = $1',
        [id],
      );
      return { status: row.status, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at };
    },
    async hold(holder, heldAt) {
      const concertId = await insertConcert(t.db);
      const { seatIds } = await insertPerformance(t.db, concertId, { at: at(86_400), seats: 1 });
      const expiresAt = await insertHold(t.db, seatIds[0], holder, heldAt);
      const [{ id }] = await t.db.query(
        'SELECT id FROM performance_seat_book_info WHERE performance_seat_id = $1',
        [seatIds[0]],
      );
      return {
        id: Number(id),
        performanceSeatId: seatIds[0],
        bookAttemptAt: heldAt,
        bookSuccessAt: null,
        expiresAt,
      };
    },
  };
}

/** No token and the settings as migrated: the counts and the line are the case's own. */
async function resetQueueTables(t: TestApp): Promise<void> {
  await t.db.query('TRUNCATE user_queue_tokens, queue_zone_marks');
  await t.db.query(QUEUE_SETTINGS_AS_MIGRATED_SQL);
}

describeContract(
  'queue ports contract',
  { inMemory: inMemoryWorld, typeorm: sqlWorld, resetDatabase: resetQueueTables },
  (w) => {
    describe('UserDirectoryRepository', () => {
      it('exists: a known user yes, an unknown one no', async () => {
        const userId = await w.addUser();
        expect(await w.tx(() => w.users.exists(userId))).toBe(true);
        expect(await w.tx(() => w.users.exists(randomUUID()))).toBe(false);
      });
    });

    describe('QueueSettingsRepository', () => {
      it('load: no overrides, open, shuffled, nothing observed, to begin with', async () => {
        expect(await w.tx(() => w.settings.load())).toEqual({
          maxActive: null,
          admitPerMinute: null,
          paused: false,
          observedAdmissionsPerMinute: null,
          opensAt: null,
          prequeueShuffled: true,
          throughput: NO_THROUGHPUT,
          opening: null,
        });
      });

      it('update keeps what the patch leaves out, and null clears an override', async () => {
        await w.tx(() =>
          w.settings.update({ maxActive: 50, admitPerMinute: 600, paused: true }, NOW),
        );
        await w.tx(() => w.settings.update({ maxActive: null, opensAt: at(3600) }, NOW));
        expect(await w.tx(() => w.settings.load())).toMatchObject({
          maxActive: null,
          admitPerMinute: 600,
          paused: true,
          opensAt: at(3600),
        });
      });

      it('awaitShuffle, recordOpening, recordFrontier, recordPlacement and recordThroughput', async () => {
        await w.tx(() => w.settings.awaitShuffle());
        expect(await w.tx(() => w.settings.load())).toMatchObject({
          prequeueShuffled: false,
          opening: null,
        });
        const from = await w.tx(() => w.line.prequeueEnd());
        const key = Buffer.alloc(32, 7);
        const opening = await w.tx(() =>
          w.settings.recordOpening({ key, seqTo: from + 5, below: -10 }),
        );
        const expected = { key, seqFrom: from, seqTo: from + 5, below: -10, frontier: 0 };
        expect(opening).toEqual(expected);
        // Another opening's frontier is not this one's.
        await w.tx(() => w.settings.recordFrontier(from + 1, 4));
        await w.tx(() => w.settings.recordFrontier(from, 3));
        await w.tx(() => w.settings.recordPlacement());
        expect(await w.tx(() => w.settings.load())).toMatchObject({
          prequeueShuffled: true,
          opening: { ...expected, frontier: 3 },
        });
        // The next opening's range starts where this one's ended.
        await w.tx(() => w.settings.awaitShuffle());
        expect(
          await w.tx(() => w.settings.recordOpening({ key, seqTo: from + 9, below: 0 })),
        ).toMatchObject({ seqFrom: from + 5, seqTo: from + 9, frontier: 0 });
        const throughput = {
          admitted: 12,
          seconds: 30,
          at: NOW,
          backlogged: true,
          sessionsEnded: 4,
          sessionSeconds: 50,
          activeAfter: 7,
          activeRemainingSeconds: 2_345.5,
        };
        await w.tx(() => w.settings.recordThroughput(throughput, 420));
        expect(await w.tx(() => w.settings.load())).toMatchObject({
          observedAdmissionsPerMinute: 420,
          throughput,
        });
      });
    });

    describe('QueueTokenRepository', () => {
      it('findByToken: every field of the token; null for an unknown one', async () => {
        const seeded = await w.addToken({ status: 'IN_PROGRESS', lineKey: null });
        expect(await w.tx(() => w.tokens.findByToken(seeded.token))).toEqual({
          id: seeded.id,
          token: seeded.token,
          userId: seeded.userId,
          status: 'IN_PROGRESS',
          lineKey: null,
          createdAt: at(-600),
          lastSeenAt: at(-600),
          activatedAt: at(-60),
          expiresAt: at(540),
          prequeue: null,
        });
        expect(await w.tx(() => w.tokens.findByToken(newTokenValue()))).toBeNull();
      });

      it("findLiveByUser: the user's IN_QUEUE or IN_PROGRESS token, never an EXPIRED one", async () => {
        const userId = await w.addUser();
        await w.addToken({ status: 'EXPIRED', userId });
        expect(await w.tx(() => w.tokens.findLiveByUser(userId))).toBeNull();
        const live = await w.addToken({ status: 'IN_QUEUE', lineKey: 7, userId });
        expect(await w.tx(() => w.tokens.findLiveByUser(userId))).toMatchObject({
          id: live.id,
          status: 'IN_QUEUE',
          lineKey: 7,
        });
      });

      it("expireOverdueOfUser expires the user's token from the instant its TTL ends", async () => {
        const overdue = await w.addToken({ status: 'IN_PROGRESS', expiresAt: NOW });
        const live = await w.addToken({ status: 'IN_PROGRESS', expiresAt: at(1) });
        const other = await w.addToken({ status: 'IN_PROGRESS', expiresAt: at(-10) });
        await w.tx(() => w.tokens.expireOverdueOfUser(overdue.userId, NOW));
        await w.tx(() => w.tokens.expireOverdueOfUser(live.userId, NOW));
        expect((await w.statusOf(overdue.id)).status).toBe('EXPIRED');
        expect((await w.statusOf(live.id)).status).toBe('IN_PROGRESS');
        expect((await w.statusOf(other.id)).status).toBe('IN_PROGRESS');
      });

      it('signOfLife writes last_seen_at once per window, and only for a waiting token', async () => {
        const waiting = await w.addToken({ status: 'IN_QUEUE', lineKey: 1, lastSeenAt: at(-30) });
        await w.tx(() => w.tokens.signOfLife(waiting.id, NOW, at(-20)));
        expect((await w.statusOf(waiting.id)).lastSeenAt).toEqual(NOW);
        await w.tx(() => w.tokens.signOfLife(waiting.id, at(5), at(-20)));
        expect((await w.statusOf(waiting.id)).lastSeenAt).toEqual(NOW);
        const active = await w.addToken({ status: 'IN_PROGRESS', lastSeenAt: at(-30) });
        await w.tx(() => w.tokens.signOfLife(active.id, NOW, at(-20)));
        expect((await w.statusOf(active.id)).lastSeenAt).toEqual(at(-30));
      });
    });

    describe('QueueLineRepository', () => {
      it('counts the active tokens at now, the waiting ones, and the admissions since', async () => {
        await w.addToken({ status: 'IN_PROGRESS', activatedAt: at(-30), expiresAt: at(1.5) });
        await w.addToken({ status: 'IN_PROGRESS', activatedAt: at(-90), expiresAt: NOW });
        await w.addToken({ status: 'IN_QUEUE', lineKey: 1 });
        await w.addToken({ status: 'IN_QUEUE', lineKey: null });
        await w.addToken({ status: 'EXPIRED' });
        await w.tx(async () => {
          expect(await w.line.countActive(NOW)).toBe(1);
          // The seconds the active ones have left, summed.
          expect(await w.line.activeLoad(NOW)).toEqual({ count: 1, remainingSeconds: 1.5 });
          expect(await w.line.activeLoad(at(10))).toEqual({ count: 0, remainingSeconds: 0 });
          expect(await w.line.countWaiting()).toBe(2);
          expect(await w.line.countAdmittedSince(at(-60))).toBe(1);
          expect(await w.line.countPrequeue()).toBe(1);
        });
      });

      it('expireOverdue expires up to `limit` tokens past their TTL, the longest overdue first', async () => {
        const ids: number[] = [];
        for (const expiresIn of [-5, -30, 0, -20, 1]) {
          ids.push((await w.addToken({ status: 'IN_PROGRESS', expiresAt: at(expiresIn) })).id);
        }
        expect(await w.tx(() => w.line.expireOverdue(NOW, 2))).toBe(2);
        const after = async () => Promise.all(ids.map(async (id) => (await w.statusOf(id)).status));
        expect(await after()).toEqual([
          'IN_PROGRESS',
          'EXPIRED',
          'IN_PROGRESS',
          'EXPIRED',
          'IN_PROGRESS',
        ]);
        expect(await w.tx(() => w.line.expireOverdue(NOW, 10))).toBe(2);
        expect((await after())[4]).toBe('IN_PROGRESS');
      });

      it('lockHeadOfLine: the placed waiting tokens by line key, at most `limit`', async () => {
        const third = await w.addToken({ status: 'IN_QUEUE', lineKey: 30 });
        const first = await w.addToken({ status: 'IN_QUEUE', lineKey: -5 });
        await w.addToken({ status: 'IN_QUEUE', lineKey: null });
        await w.addToken({ status: 'IN_PROGRESS' });
        const second = await w.addToken({ status: 'IN_QUEUE', lineKey: 10 });
        const head = await w.tx(() => w.line.lockHeadOfLine(10));
        expect(head.map((token) => [token.id, token.lineKey])).toEqual([
          [first.id, -5],
          [second.id, 10],
          [third.id, 30],
        ]);
        expect(await w.tx(() => w.line.lockHeadOfLine(2))).toHaveLength(2);
      });

      it('admit and expireWaiting change waiting tokens only, and say how many', async () => {
        const waiting = await w.addToken({ status: 'IN_QUEUE', lineKey: 1 });
        const other = await w.addToken({ status: 'IN_QUEUE', lineKey: 2 });
        const gone = await w.addToken({ status: 'EXPIRED' });
        expect(await w.tx(() => w.line.admit([waiting.id, gone.id], NOW, at(600)))).toBe(1);
        expect(await w.statusOf(waiting.id)).toMatchObject({
          status: 'IN_PROGRESS',
          expiresAt: at(600),
        });
        expect((await w.statusOf(gone.id)).status).toBe('EXPIRED');
        expect(await w.tx(() => w.line.expireWaiting([waiting.id, other.id], NOW))).toBe(1);
        expect((await w.statusOf(waiting.id)).status).toBe('IN_PROGRESS');
        expect((await w.statusOf(other.id)).status).toBe('EXPIRED');
      });

      it('headOfLine: the lowest placed waiting key; null with nobody placed', async () => {
        await w.addToken({ status: 'IN_QUEUE', lineKey: null });
        await w.addToken({ status: 'IN_PROGRESS', lineKey: null });
        expect(await w.tx(() => w.line.headOfLine())).toBeNull();
        await w.addToken({ status: 'IN_QUEUE', lineKey: 7 });
        await w.addToken({ status: 'IN_QUEUE', lineKey: -3 });
        await w.addToken({ status: 'EXPIRED', lineKey: -9 });
        expect(await w.tx(() => w.line.headOfLine())).toBe(-3);
      });

      it('the pre-queue: counted, numbered, given keys by arrival number, filled from the line, late ones placed last', async () => {
        const placed = await w.addToken({ status: 'IN_QUEUE', lineKey: -2 });
        const waiting = await w.addToken({ status: 'IN_QUEUE', lineKey: 5 });
        const from = await w.tx(() => w.line.prequeueEnd());
        const pre = [
          await w.addToken({ status: 'IN_QUEUE', lineKey: null }),
          await w.addToken({ status: 'IN_QUEUE', lineKey: null }),
          await w.addToken({ status: 'IN_QUEUE', lineKey: null }),
        ];
        await w.addToken({ status: 'EXPIRED', lineKey: null });
        expect(await w.tx(() => w.line.countPrequeue())).toBe(3);
        // Dense arrival numbers, from the pre-queue's sequence.
        const tickets = await Promise.all(
          pre.map(async (token) => (await w.tokens.findByToken(token.token))!.prequeue),
        );
        expect(tickets).toEqual([0, 1, 2].map((i) => ({ seq: from + i, lateBelow: 0 })));
        expect(await w.tx(() => w.line.prequeueEnd())).toBe(from + 3);
        expect(await w.tx(() => w.line.prequeueBelow())).toBe(-2);

        // The opening: while its keys are written, its range is in line, not in the pre-queue.
        await w.tx(() => w.settings.awaitShuffle());
        await w.tx(() =>
          w.settings.recordOpening({ key: Buffer.alloc(32), seqTo: from + 3, below: -2 }),
        );
        expect(await w.tx(() => w.line.countPrequeue())).toBe(0);
        // The block's keys -5..-3, none written: the head is its first.
        expect(await w.tx(() => w.tokens.lineShape())).toEqual({
          head: -5,
          negTail: -2,
          posHead: 5,
        });
        expect(
          await w.tx(() =>
            w.line.writePrequeueKeys([
              { seq: from + 2, key: -5 },
              { seq: from + 99, key: -4 },
            ]),
          ),
        ).toBe(1);
        await w.tx(() => w.settings.recordFrontier(from, 2));
        expect((await w.tokens.findByToken(pre[2].token))!).toMatchObject({
          lineKey: -5,
          prequeue: null,
        });
        // Read now, a token of the range without a key knows the places written before it.
        expect((await w.tokens.findByToken(pre[0].token))!.prequeue).toEqual({
          seq: from,
          lateBelow: 2,
        });
        expect(await w.tx(() => w.tokens.lineShape())).toEqual({
          head: -5,
          negTail: -2,
          posHead: 5,
        });
        // Once written, they are in the rows: none is left out of line.
        await w.tx(() => w.line.writePrequeueKeys([{ seq: from, key: -3 }]));
        await w.tx(() => w.settings.recordFrontier(from, 3));
        expect(await w.tx(() => w.tokens.lineShape())).toEqual({
          head: -5,
          negTail: -2,
          posHead: 5,
        });
        // The late (its place was written without it): outside the range first, then all.
        const range = { seqFrom: from, seqTo: from + 3 };
        expect(await w.tx(() => w.line.placeLatePrequeue(range))).toBe(0);
        expect(await w.tx(() => w.line.countPrequeue())).toBe(1);
        expect(await w.tx(() => w.line.placeLatePrequeue())).toBe(1);
        expect((await w.tokens.findByToken(pre[1].token))!.lineKey).toBeGreaterThan(0);

        // A scheduled opening moves the line back into the pre-queue with new arrival numbers;
        // placing the late ones puts them behind everyone, in arrival order.
        expect(await w.tx(() => w.line.moveWaitingToPrequeue())).toBe(5);
        expect(await w.tx(() => w.line.countPrequeue())).toBe(5);
        const renumbered = await Promise.all(
          [placed, waiting, ...pre].map(
            async (token) => (await w.tokens.findByToken(token.token))!.prequeue!.seq,
          ),
        );
        expect(renumbered.every((seq) => seq >= from + 3)).toBe(true);
        expect(new Set(renumbered).size).toBe(5);
        expect(await w.tx(() => w.line.placeLatePrequeue())).toBe(5);
        const late = await Promise.all(
          [placed, waiting, ...pre].map(
            async (token) => (await w.tokens.findByToken(token.token))!.lineKey!,
          ),
        );
        expect(late.every((key) => key > 0)).toBe(true);
        expect([...late].sort((a, b) => a - b)).toEqual(late);
      });

      it('zone marks: one per instant keeping the larger key, by time, dropped below the head, cleared', async () => {
        await w.tx(() => w.line.markZone(at(2), 40));
        await w.tx(() => w.line.markZone(at(1), 20));
        await w.tx(() => w.line.markZone(at(1), 10));
        expect(await w.tx(() => w.line.zoneMarks())).toEqual([
          { at: at(1), key: 20 },
          { at: at(2), key: 40 },
        ]);
        await w.tx(() => w.line.dropZoneMarksBelow(21));
        expect(await w.tx(() => w.line.zoneMarks())).toEqual([{ at: at(2), key: 40 }]);
        await w.tx(() => w.line.clearZone());
        expect(await w.tx(() => w.line.zoneMarks())).toEqual([]);
      });
    });

    describe('QueueTokenRepository: joining', () => {
      it("joinLine: the user's live token as it is; a new waiting token behind the line; null for an unknown user", async () => {
        // Keys come from the line's own sequence: the first waiter joins the same way.
        const firstUser = await w.addUser();
        const first = await w.tx(() =>
          w.tokens.joinLine({ userId: firstUser, token: newTokenValue(), createdAt: NOW }),
        );
        const again = await w.tx(() =>
          w.tokens.joinLine({ userId: firstUser, token: newTokenValue(), createdAt: NOW }),
        );
        expect(again).toMatchObject({ created: false, token: first!.token });

        const userId = await w.addUser();
        const value = newTokenValue();
        const joined = await w.tx(() =>
          w.tokens.joinLine({ userId, token: value, createdAt: NOW }),
        );
        expect(joined).toMatchObject({
          created: true,
          token: { userId, token: value, status: 'IN_QUEUE', createdAt: NOW },
        });
        expect(joined!.token.lineKey).toBeGreaterThan(first!.token.lineKey!);
        expect(joined!.shape.head).toBe(first!.token.lineKey);

        expect(
          await w.tx(() =>
            w.tokens.joinLine({ userId: randomUUID(), token: newTokenValue(), createdAt: NOW }),
          ),
        ).toBeNull();
      });

      it('joinLine before a scheduled opening: a pre-queued token with no place', async () => {
        await w.tx(() => w.settings.update({ opensAt: at(3600) }, NOW));
        const userId = await w.addUser();
        const joined = await w.tx(() =>
          w.tokens.joinLine({ userId, token: newTokenValue(), createdAt: NOW }),
        );
        expect(joined).toMatchObject({
          created: true,
          token: { status: 'IN_QUEUE', lineKey: null },
        });
        expect(await w.tx(() => w.line.countPrequeue())).toBe(1);
      });

      it('insertQueued: a waiting token, null while the user has a live one', async () => {
        const userId = await w.addUser();
        const value = newTokenValue();
        const inserted = await w.tx(() =>
          w.tokens.insertQueued({ userId, token: value, createdAt: NOW }),
        );
        expect(inserted).toMatchObject({ userId, token: value, status: 'IN_QUEUE' });
        expect(
          await w.tx(() =>
            w.tokens.insertQueued({ userId, token: newTokenValue(), createdAt: NOW }),
          ),
        ).toBeNull();
      });

      it('findManyByToken: the known ones of the tokens asked, unknown ones left out', async () => {
        const a = await w.addToken({ status: 'IN_QUEUE', lineKey: 1 });
        const b = await w.addToken({ status: 'EXPIRED' });
        await w.addToken({ status: 'IN_QUEUE', lineKey: 2 });
        const found = await w.tx(() =>
          w.tokens.findManyByToken([a.token, b.token, newTokenValue()]),
        );
        expect(found.map((token) => token.id).sort((x, y) => x - y)).toEqual(
          [a.id, b.id].sort((x, y) => x - y),
        );
        expect(found.find((token) => token.id === a.id)).toEqual(
          await w.tokens.findByToken(a.token),
        );
      });
    });

    describe('LineSnapshotRepository', () => {
      it('read: the line shape and tail, the settings, the rate, the active expiries and the zone', async () => {
        for (const lineKey of [-4, -2, 7, 9]) await w.addToken({ status: 'IN_QUEUE', lineKey });
        await w.addToken({ status: 'IN_QUEUE', lineKey: null });
        await w.addToken({ status: 'EXPIRED', lineKey: -9 });
        await w.addToken({ status: 'IN_PROGRESS', expiresAt: at(60) });
        await w.addToken({ status: 'IN_PROGRESS', expiresAt: at(30) });
        await w.addToken({ status: 'IN_PROGRESS', expiresAt: at(-1) });
        await w.tx(() =>
          w.settings.update({ maxActive: 5, paused: true, opensAt: at(-3600) }, NOW),
        );
        const throughput = {
          ...NO_THROUGHPUT,
          admitted: 12,
          seconds: 30,
          at: NOW,
          backlogged: true,
          sessionsEnded: 4,
          sessionSeconds: 50,
        };
        await w.tx(() => w.settings.recordThroughput(throughput, 24));
        await w.tx(() => w.line.markZone(at(-5), 8));
        const before = (await w.tx(() => w.snapshots.read(NOW))).generation;
        await w.tx(() => w.settings.recordPlacement());

        expect(await w.tx(() => w.snapshots.read(NOW))).toEqual({
          head: -4,
          negTail: -2,
          posHead: 7,
          tail: 9,
          opensAt: at(-3600),
          generation: before + 1,
          overrides: { maxActive: 5, admitPerMinute: null, paused: true },
          activeExpiries: [at(30), at(60)],
          meanSessionSeconds: 12.5,
          zone: [{ at: at(-5), key: 8 }],
          opening: null,
        });
        // An opening: its key and range; its unwritten places are in the line's shape.
        const key = Buffer.alloc(32, 1);
        const to = (await w.tx(() => w.line.prequeueEnd())) + 10;
        const { seqFrom } = await w.tx(() =>
          w.settings.recordOpening({ key, seqTo: to, below: -4 }),
        );
        await w.tx(() => w.settings.recordFrontier(seqFrom, 3));
        expect(await w.tx(() => w.snapshots.read(NOW))).toMatchObject({
          head: -4 - (to - seqFrom) + 3,
          negTail: -2,
          posHead: 7,
          opening: { key, seqFrom, seqTo: to, below: -4, frontier: 3 },
        });
      });

      it('read: an empty line', async () => {
        expect(await w.tx(() => w.snapshots.read(NOW))).toMatchObject({
          head: null,
          negTail: null,
          posHead: null,
          tail: null,
          activeExpiries: [],
          zone: [],
        });
      });
    });

    describe('QueueTokenRepository: what booking and payment know of a token', () => {
      it("findSeatHold(s): the token's hold; nothing for a token that never held a seat", async () => {
        const holder = await w.addToken({ status: 'IN_PROGRESS' });
        const other = await w.addToken({ status: 'IN_PROGRESS' });
        const never = await w.addToken({ status: 'IN_PROGRESS' });
        const hold = await w.hold(holder, at(-30));
        const otherHold = await w.hold(other, at(-10));
        expect(await w.tx(() => w.tokens.findSeatHold(holder.token))).toEqual(hold);
        expect(await w.tx(() => w.tokens.findSeatHold(never.token))).toBeNull();
        expect(
          await w.tx(() => w.tokens.findSeatHolds([holder.token, other.token, never.token])),
        ).toEqual(
          new Map([
            [holder.token, hold],
            [other.token, otherHold],
          ]),
        );
      });
    });
  },
);
