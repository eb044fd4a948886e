import { AppConfig } from '@app/common/config/app-config';
import { FakeClock } from '@test/support/fake-clock';
import { PrequeuePermutation } from '../domain/prequeue-permutation';
import { prequeueKey } from '../domain/waiting-line';
import {
  AdmitQueuedTokensUseCase,
  MAX_KEYS_PER_TICK,
  MIN_KEYS_PER_TICK,
} from './admit-queued-tokens.use-case';
import { InMemoryQueue } from '@test/support/fakes/in-memory-queue';

/** The use case over the in-memory queue, as both suites below build it. */
function admissionOver(q: InMemoryQueue, config: AppConfig, clock: FakeClock) {
  return new AdmitQueuedTokensUseCase(
    q.transactions,
    q.lineRepository,
    q.settingsRepository,
    q.lineChanges,
    q.snapshotService(config, clock),
    config,
    clock,
  );
}

describe('AdmitQueuedTokensUseCase', () => {
  const config = AppConfig.fromRaw({
    DATABASE_URL: 'postgres://unit/test',
    QUEUE_MAX_ACTIVE_TOKENS: '3',
    QUEUE_ADMIT_PER_MINUTE: '100',
    QUEUE_ACTIVE_TTL_SECONDS: '600',
    QUEUE_ABANDON_AFTER_SECONDS: '120',
  });
  let q: InMemoryQueue;
  let clock: FakeClock;
  let admit: AdmitQueuedTokensUseCase;

  beforeEach(() => {
    q = new InMemoryQueue();
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    admit = admissionOver(q, config, clock);
  });

  const waiters = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      q.addToken({ userId: `u${i}`, createdAt: clock.now() }),
    );
  const statuses = () => q.tokens.map((token) => token.status);

  it('admits in line order up to the environment cap, with activation and expiry', async () => {
    waiters(5);
    expect(await admit.execute()).toEqual({ ran: true, expired: 0, abandoned: 0, admitted: 3 });
    expect(statuses()).toEqual([
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_QUEUE',
      'IN_QUEUE',
    ]);
    expect(q.tokens[0]).toMatchObject({
      activatedAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 600_000),
    });
    expect(await admit.execute()).toMatchObject({ admitted: 0 });
  });

  it("re-reads this instance's snapshot at once after a tick that only grew the near-head zone", async () => {
    waiters(5);
    q.settings.paused = true;
    const snapshot = q.snapshotService(config, clock);
    const own = new AdmitQueuedTokensUseCase(
      q.transactions,
      q.lineRepository,
      q.settingsRepository,
      q.lineChanges,
      snapshot,
      config,
      clock,
    );
    expect((await snapshot.current()).zone).toEqual([]);
    expect(await own.execute()).toMatchObject({ ran: true, admitted: 0 });
    // Not only when its NOTIFY comes back: the next poll here must see the new zone.
    expect((await snapshot.current()).zone).toEqual([{ at: clock.now(), key: expect.any(Number) }]);
  });

  it('expires active tokens past their TTL first, freeing their slots', async () => {
    waiters(4);
    await admit.execute();
    clock.advanceSeconds(600);
    q.tokens[3].lastSeenAt = clock.now();
    expect(await admit.execute()).toEqual({ ran: true, expired: 3, abandoned: 0, admitted: 1 });
    expect(q.tokens[0]).toMatchObject({ status: 'EXPIRED', expiredAt: clock.now() });
    expect(statuses()).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED', 'IN_PROGRESS']);
  });

  it('drops abandoned waiters without giving them a slot', async () => {
    const line = waiters(6);
    // All six have been near the head since now.
    q.zone = [{ at: clock.now(), key: 1_000 }];
    clock.advanceSeconds(120);
    for (const index of [1, 4, 5]) line[index].lastSeenAt = clock.now();
    expect(await admit.execute()).toEqual({ ran: true, expired: 0, abandoned: 3, admitted: 3 });
    expect(statuses()).toEqual([
      'EXPIRED',
      'IN_PROGRESS',
      'EXPIRED',
      'EXPIRED',
      'IN_PROGRESS',
      'IN_PROGRESS',
    ]);
    expect(q.tokens[0].activatedAt).toBeNull();
  });

  it('leaves abandoned waiters behind the last free slot alone', async () => {
    const line = waiters(3);
    clock.advanceSeconds(120);
    line[0].lastSeenAt = clock.now();
    q.settings.maxActive = 1;
    expect(await admit.execute()).toMatchObject({ abandoned: 0, admitted: 1 });
    expect(statuses()).toEqual(['IN_PROGRESS', 'IN_QUEUE', 'IN_QUEUE']);
  });

  it('walks a long run of abandoned waiters in bounded batches', async () => {
    waiters(450);
    q.zone = [{ at: clock.now(), key: 1_000 }];
    clock.advanceSeconds(300);
    const fresh = q.addToken({ userId: 'fresh', createdAt: clock.now() });
    expect(await admit.execute()).toMatchObject({ abandoned: 450, admitted: 1 });
    expect(fresh.status).toBe('IN_PROGRESS');
    expect(Math.max(...q.headReads)).toBeLessThanOrEqual(103);
  });

  it('obeys the stored overrides: max_active, admit_per_minute and paused', async () => {
    waiters(10);
    q.settings.paused = true;
    expect(await admit.execute()).toMatchObject({ admitted: 0 });
    q.settings = { ...q.settings, paused: false, maxActive: 8, admitPerMinute: 2 };
    expect(await admit.execute()).toMatchObject({ admitted: 2 });
    clock.advanceSeconds(59);
    expect(await admit.execute()).toMatchObject({ admitted: 0 });
    clock.advanceSeconds(1);
    for (const token of q.tokens) token.lastSeenAt = clock.now();
    expect(await admit.execute()).toMatchObject({ admitted: 2 });
    q.settings.maxActive = 0;
    clock.advanceSeconds(60);
    expect(await admit.execute()).toMatchObject({ admitted: 0 });
  });

  it('counts a token expired by a payment as a freed slot but still as an admission', async () => {
    waiters(6);
    q.settings.admitPerMinute = 4;
    expect(await admit.execute()).toMatchObject({ admitted: 3 });
    q.tokens[0].status = 'EXPIRED';
    expect(await admit.execute()).toMatchObject({ admitted: 1 });
    q.tokens[1].status = 'EXPIRED';
    expect(await admit.execute()).toMatchObject({ admitted: 0 });
  });

  it('records the rate the line moves at while somebody waits, not the first fill of the slots', async () => {
    waiters(10);
    // The first tick fills the 3 free slots at once: nobody was waiting before it, no rate.
    await admit.execute();
    expect(q.settings.observedAdmissionsPerMinute).toBeNull();
    expect(q.settings.throughput).toMatchObject({ admitted: 0, seconds: 0, backlogged: true });
    expect(q.observedAt).toEqual(clock.now());
    // Then one buyer pays every 2 s: the line moves at 30 a minute, after 4 s as after 40 s.
    const payAndTick = async () => {
      q.tokens.find((token) => token.status === 'IN_PROGRESS')!.status = 'EXPIRED';
      clock.advanceSeconds(2);
      for (const token of q.tokens) token.lastSeenAt = clock.now();
      expect(await admit.execute()).toMatchObject({ admitted: 1 });
    };
    await payAndTick();
    await payAndTick();
    expect(q.settings.observedAdmissionsPerMinute).toBeCloseTo(30, 6);
    for (let i = 0; i < 5; i += 1) await payAndTick();
    expect(q.settings.observedAdmissionsPerMinute).toBeCloseTo(30, 6);
    // Paused, nothing is observed; the rate is remembered, not diluted by the pause.
    q.settings.paused = true;
    clock.advanceSeconds(10);
    await admit.execute();
    expect(q.settings.throughput.backlogged).toBe(false);
    expect(q.settings.observedAdmissionsPerMinute).toBeCloseTo(30, 6);
  });

  it('leaves the line not backlogged when the caps kept nobody out', async () => {
    waiters(2);
    await admit.execute();
    expect(q.settings.throughput.backlogged).toBe(false);
    waiters(5);
    await admit.execute();
    expect(q.settings.throughput.backlogged).toBe(true);
  });

  it('does nothing when another instance holds the admission lock', async () => {
    waiters(2);
    q.admissionLockedElsewhere = true;
    expect(await admit.execute()).toEqual({ ran: false, expired: 0, abandoned: 0, admitted: 0 });
    expect(statuses()).toEqual(['IN_QUEUE', 'IN_QUEUE']);
    expect(q.observedAt).toBeNull();
  });

  it('rolls the whole tick back when a step fails', async () => {
    waiters(2);
    q.settingsRepository.recordThroughput = () => Promise.reject(new Error('database gone'));
    await expect(admit.execute()).rejects.toThrow('database gone');
    expect(statuses()).toEqual(['IN_QUEUE', 'IN_QUEUE']);
  });
});

describe('AdmitQueuedTokensUseCase with a scheduled opening', () => {
  const config = AppConfig.fromRaw({
    DATABASE_URL: 'postgres://unit/test',
    QUEUE_MAX_ACTIVE_TOKENS: '10',
    QUEUE_ADMIT_PER_MINUTE: '100',
  });
  let q: InMemoryQueue;
  let clock: FakeClock;
  let admit: AdmitQueuedTokensUseCase;
  const inSeconds = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);

  beforeEach(() => {
    q = new InMemoryQueue();
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    admit = admissionOver(q, config, clock);
  });

  /** Pre-queued tokens, as joins before the opening write them: no key, an arrival number. */
  const prequeued = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      q.addToken({ userId: `p${i}`, createdAt: clock.now(), lineKey: null }),
    );

  function scheduleOpening(at: Date): void {
    q.settings = { ...q.settings, opensAt: at, prequeueShuffled: false };
  }

  /** The keys the opening's permutation gives these tokens (in arrival order). */
  function drawnKeys(tokens: { prequeueSeq: number | null }[]): number[] {
    const opening = q.storedOpening()!;
    const size = opening.seqTo - opening.seqFrom;
    const permutation = new PrequeuePermutation(opening.key, size);
    return tokens.map(
      (token) => opening.below - size + permutation.forward(token.prequeueSeq! - opening.seqFrom),
    );
  }

  it('admits nobody before the opening, whatever the caps', async () => {
    scheduleOpening(inSeconds(60));
    prequeued(3);
    clock.advanceSeconds(59);
    expect(await admit.execute()).toEqual({ ran: true, expired: 0, abandoned: 0, admitted: 0 });
    expect(q.tokens.every((token) => token.lineKey === null)).toBe(true);
    expect(q.storedOpening()).toBeNull();
  });

  it('draws the places at the first tick at the opening, then admits in their order', async () => {
    scheduleOpening(inSeconds(60));
    const pre = prequeued(5);
    clock.advanceSeconds(60);
    expect(await admit.execute()).toMatchObject({
      ran: true,
      shuffled: 5,
      written: 5,
      admitted: 5,
    });
    // The keys written are the permutation's, a block ending below every key (here 0).
    expect(pre.map((token) => token.lineKey)).toEqual(drawnKeys(pre));
    expect([...drawnKeys(pre)].sort((a, b) => a - b)).toEqual([-5, -4, -3, -2, -1]);
    expect(q.prequeueLocks).toBe(1);
    expect(q.settings.prequeueShuffled).toBe(true);
    expect(q.storedOpening()).toMatchObject({ seqFrom: 1, seqTo: 6, below: 0, frontier: 5 });
    expect(q.storedOpening()!.key).toHaveLength(32);
    expect(q.generation).toBe(1);
    expect(q.announcements).toBe(1);
  });

  it('writes a large pre-queue ahead of the head a chunk per tick, in place order', async () => {
    scheduleOpening(inSeconds(60));
    const pre = prequeued(3 * MAX_KEYS_PER_TICK);
    q.settings.paused = true;
    clock.advanceSeconds(60);
    const first = await admit.execute();
    expect(first).toMatchObject({ shuffled: pre.length, written: MIN_KEYS_PER_TICK });
    const keys = drawnKeys(pre);
    const blockStart = -pre.length;
    // Written: exactly the places [0, frontier), each with its drawn key.
    const writtenPlaces = pre
      .map((token, i) => ({ token, key: keys[i] }))
      .filter(({ token }) => token.lineKey !== null);
    expect(writtenPlaces).toHaveLength(MIN_KEYS_PER_TICK);
    expect(writtenPlaces.every(({ token, key }) => token.lineKey === key)).toBe(true);
    expect(Math.max(...writtenPlaces.map(({ key }) => key))).toBe(
      blockStart + MIN_KEYS_PER_TICK - 1,
    );
    // Polls see the whole block from the start: head and end of the block.
    expect(q.shape()).toEqual({ head: blockStart, negTail: -1, posHead: null });
    let ticks = 1;
    while (q.storedOpening()!.frontier < pre.length) {
      clock.advanceSeconds(1);
      expect((await admit.execute()).shuffled).toBeUndefined();
      ticks += 1;
    }
    expect(ticks).toBe(pre.length / MIN_KEYS_PER_TICK);
    expect(pre.map((token) => token.lineKey)).toEqual(keys);
    // Once written, the opening's places are all in the rows: nothing more to write.
    clock.advanceSeconds(1);
    expect(await admit.execute()).not.toHaveProperty('written');
  });

  it('writes more than a chunk a tick when the head comes near the unwritten places', async () => {
    scheduleOpening(inSeconds(60));
    const pre = prequeued(3 * MAX_KEYS_PER_TICK);
    q.settings = { ...q.settings, paused: true, admitPerMinute: 100_000, maxActive: 100_000 };
    clock.advanceSeconds(60);
    const first = await admit.execute();
    // The near-head zone and five ticks of admissions at 100,000 a minute: the cap.
    expect(first.written).toBe(MAX_KEYS_PER_TICK);
    expect(pre.filter((token) => token.lineKey !== null)).toHaveLength(MAX_KEYS_PER_TICK);
  });

  it('draws once: a later tick leaves the places alone', async () => {
    scheduleOpening(inSeconds(60));
    prequeued(4);
    q.settings.paused = true;
    clock.advanceSeconds(61);
    await admit.execute();
    const keys = q.tokens.map((token) => token.lineKey);
    const opening = q.storedOpening();
    clock.advanceSeconds(1);
    expect(await admit.execute()).not.toHaveProperty('shuffled');
    expect(q.tokens.map((token) => token.lineKey)).toEqual(keys);
    expect(q.storedOpening()).toEqual(opening);
  });

  it('follows a change of opens_at made before it passes', async () => {
    scheduleOpening(inSeconds(60));
    prequeued(2);
    q.settings = { ...q.settings, opensAt: inSeconds(120) };
    clock.advanceSeconds(90);
    expect(await admit.execute()).toMatchObject({ admitted: 0 });
    expect(q.tokens.every((token) => token.lineKey === null)).toBe(true);
    clock.advanceSeconds(30);
    expect(await admit.execute()).toMatchObject({ shuffled: 2, admitted: 2 });
  });

  it('opens at the next tick when opens_at is cleared or moved into the past', async () => {
    scheduleOpening(inSeconds(600));
    prequeued(2);
    q.settings = { ...q.settings, opensAt: null };
    expect(await admit.execute()).toMatchObject({ shuffled: 2, admitted: 2 });
  });

  it('a second opening draws a new key over the arrivals since the first', async () => {
    scheduleOpening(inSeconds(10));
    prequeued(3);
    q.settings.paused = true;
    clock.advanceSeconds(10);
    await admit.execute();
    const first = q.storedOpening()!;
    // A new opening, set after the first passed: the line goes back to the pre-queue.
    await q.lineRepository.moveWaitingToPrequeue();
    await q.settingsRepository.awaitShuffle();
    q.settings.opensAt = inSeconds(10);
    expect(q.storedOpening()).toBeNull();
    const more = prequeued(2);
    clock.advanceSeconds(10);
    expect(await admit.execute()).toMatchObject({ shuffled: 5, written: 5 });
    const second = q.storedOpening()!;
    expect(second).toMatchObject({ seqFrom: first.seqTo, seqTo: first.seqTo + 5 });
    expect(second.key.equals(first.key)).toBe(false);
    expect(more.every((token) => token.lineKey! < 0)).toBe(true);
  });

  it('places late pre-queue arrivals at the end, in order: outside the range at once', async () => {
    scheduleOpening(inSeconds(10));
    prequeued(2);
    q.settings.paused = true;
    clock.advanceSeconds(10);
    await admit.execute();
    // Joined the pre-queue as it opened: arrival numbers past the opening's range.
    const late = prequeued(2);
    expect(await admit.execute()).toMatchObject({ shuffled: 2 });
    expect(late[0].lineKey!).toBeGreaterThan(0);
    expect(late[1].lineKey!).toBeGreaterThan(late[0].lineKey!);
    expect(q.generation).toBe(2);
  });

  it('places a token of the range whose place was written before it committed behind everyone', async () => {
    scheduleOpening(inSeconds(10));
    const pre = prequeued(3);
    // An arrival number handed out before the opening to a join that commits after it.
    const lateSeq = q.nextPrequeueSeq++;
    q.settings.paused = true;
    clock.advanceSeconds(10);
    expect(await admit.execute()).toMatchObject({ shuffled: 4, written: 3 });
    const after = q.addToken({ userId: 'after', createdAt: clock.now() });
    const late = q.addToken({
      userId: 'late',
      createdAt: clock.now(),
      lineKey: null,
      prequeueSeq: lateSeq,
    });
    // Read now, it has no place: its place was written without it.
    expect(prequeueKey(q.read(late).prequeue, snapshotOpening())).toBeNull();
    expect(await admit.execute()).toMatchObject({ shuffled: 1 });
    expect(late.lineKey!).toBeGreaterThan(after.lineKey!);
    expect(pre.every((token) => token.lineKey! < 0)).toBe(true);
  });

  /** The snapshot's view of the stored opening. */
  function snapshotOpening() {
    const opening = q.storedOpening()!;
    return {
      ...opening,
      permutation: new PrequeuePermutation(opening.key, opening.seqTo - opening.seqFrom),
    };
  }
});
