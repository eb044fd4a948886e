import { AppConfig } from '@app/common/config/app-config';
import { FakeClock } from '@test/support/fake-clock';
import { GetTokenInfoUseCase } from './get-token-info.use-case';
import { InMemoryQueue } from '@test/support/fakes/in-memory-queue';

describe('GetTokenInfoUseCase', () => {
  let q: InMemoryQueue;
  let clock: FakeClock;
  let getInfo: GetTokenInfoUseCase;

  beforeEach(() => {
    q = new InMemoryQueue();
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    const config = AppConfig.fromRaw({ DATABASE_URL: 'postgres://unit/test' });
    getInfo = new GetTokenInfoUseCase(
      q.tokenRepository,
      q.snapshotService(config, clock),
      q.tokenCache(config),
      config,
      clock,
    );
  });

  const queued = (userId: string) => q.addToken({ userId, createdAt: clock.now() });

  it('gives a queued token its place and an estimate from the settings before any admission', async () => {
    q.addToken({ userId: 'gone', status: 'EXPIRED' });
    queued('first');
    const me = queued('me');
    expect(await getInfo.execute(me)).toEqual({
      userId: 'me',
      status: 'IN_QUEUE',
      position: 2,
      // 100 free slots at 600 a minute: the next tick admits it.
      estimatedWaitSeconds: 1,
      expiresAt: null,
      seatHold: null,
      opensAt: null,
    });
  });

  it('answers a waiting token from the snapshot: one read for many polls, no other query', async () => {
    queued('first');
    const me = queued('me');
    for (let i = 0; i < 20; i += 1) await getInfo.execute(me);
    expect(q.snapshotReads).toBe(1);
    expect(q.touches).toEqual([]);
  });

  it('estimates the wait from the session lengths observed once the slots are taken', async () => {
    q.settings.maxActive = 1;
    // Admitted 10 s ago; sessions lasted 40 s lately: its slot frees in 30 s.
    q.addToken({
      userId: 'active',
      status: 'IN_PROGRESS',
      activatedAt: new Date(clock.now().getTime() - 10_000),
      expiresAt: new Date(clock.now().getTime() + 590_000),
    });
    queued('first');
    const me = queued('me');
    q.settings.throughput = { ...q.settings.throughput, sessionsEnded: 2, sessionSeconds: 80 };
    // Place 1 takes that slot; place 2 the next session's end, 40 s later.
    expect(await getInfo.execute(me)).toMatchObject({ position: 2, estimatedWaitSeconds: 70 });
  });

  it('gives an active token its expiry, and EXPIRED past it', async () => {
    const expiresAt = new Date(clock.now().getTime() + 60_000);
    const me = q.addToken({
      userId: 'me',
      status: 'IN_PROGRESS',
      activatedAt: clock.now(),
      expiresAt,
    });
    q.settings.observedAdmissionsPerMinute = 4;
    expect(await getInfo.execute(me)).toMatchObject({
      status: 'IN_PROGRESS',
      position: null,
      estimatedWaitSeconds: null,
      expiresAt,
    });
    clock.advanceSeconds(60);
    expect(await getInfo.execute(me)).toMatchObject({ status: 'EXPIRED', expiresAt: null });
  });

  it("returns an admitted token's seat hold, and its last one derived from the log", async () => {
    const me = q.addToken({
      userId: 'me',
      status: 'IN_PROGRESS',
      activatedAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 120_000),
    });
    const hold = {
      id: 3,
      performanceSeatId: 9,
      bookAttemptAt: clock.now(),
      bookSuccessAt: null,
      expiresAt: clock.now(),
    };
    q.seatHolds.set(me.token, hold);
    expect((await getInfo.execute(me)).seatHold).toEqual(hold);
    // Only the booking log remembers it: the hold lasted the hold TTL, capped at the token's.
    q.seatHolds.set(me.token, { ...hold, expiresAt: null });
    expect((await getInfo.execute(me)).seatHold).toEqual({
      ...hold,
      expiresAt: new Date(clock.now().getTime() + 120_000),
    });
  });

  it('writes one sign of life when a waiter near the head could soon be judged, none further back', async () => {
    const first = queued('first');
    const far = queued('far');
    q.zone = [{ at: clock.now(), key: first.lineKey! }];
    clock.advanceSeconds(3);
    // Judged 120 s after it came near the head at the earliest: asked for 30 s before.
    await getInfo.execute({ ...first });
    expect(q.touches).toEqual([]);
    clock.advanceSeconds(87);
    await getInfo.execute({ ...far });
    expect(q.touches).toEqual([]);
    await getInfo.execute({ ...first });
    expect(q.touches).toEqual([first.id]);
    expect(first.lastSeenAt).toEqual(clock.now());
    clock.advanceSeconds(30);
    await getInfo.execute({ ...first });
    expect(q.touches).toEqual([first.id]);
  });

  it('never writes for an expired token', async () => {
    const me = q.addToken({ userId: 'me', status: 'EXPIRED' });
    clock.advanceSeconds(600);
    await getInfo.execute(me);
    expect(q.touches).toEqual([]);
  });
});
