import { FakeClock } from '../../../../test/support/fake-clock';
import { GetTokenInfoUseCase } from './get-token-info.use-case';
import { InMemoryQueue } from './testing/in-memory-queue';

describe('GetTokenInfoUseCase', () => {
  let q: InMemoryQueue;
  let clock: FakeClock;
  let getInfo: GetTokenInfoUseCase;

  beforeEach(() => {
    q = new InMemoryQueue();
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    getInfo = new GetTokenInfoUseCase(q.tokenRepository, clock);
  });

  const queued = (userId: string) => q.addToken({ userId, createdAt: clock.now() });

  it('gives a queued token its place and no estimate before any admission', async () => {
    q.addToken({ userId: 'gone', status: 'EXPIRED' });
    queued('first');
    const me = queued('me');
    expect(await getInfo.execute(me)).toEqual({
      userId: 'me',
      status: 'IN_QUEUE',
      position: 2,
      estimatedWaitSeconds: null,
      expiresAt: null,
      seatHold: null,
    });
  });

  it('estimates the wait from the observed admission rate', async () => {
    queued('first');
    const me = queued('me');
    q.settings.observedAdmissionsPerMinute = 4;
    expect(await getInfo.execute(me)).toMatchObject({ position: 2, estimatedWaitSeconds: 30 });
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

  it("returns the token's seat hold", async () => {
    const me = queued('me');
    const hold = {
      id: 3,
      performanceSeatId: 9,
      bookAttemptAt: clock.now(),
      bookSuccessAt: null,
      expiresAt: clock.now(),
    };
    q.seatHolds.set(me.token, hold);
    expect((await getInfo.execute(me)).seatHold).toEqual(hold);
  });

  it('refreshes last_seen_at of a live token only when it is a few seconds old', async () => {
    const me = queued('me');
    clock.advanceSeconds(3);
    await getInfo.execute({ ...me });
    expect(q.touches).toEqual([]);
    clock.advanceSeconds(3);
    await getInfo.execute({ ...me });
    expect(q.touches).toEqual([me.id]);
    expect(me.lastSeenAt).toEqual(clock.now());
  });

  it('never writes for an expired token', async () => {
    const me = q.addToken({ userId: 'me', status: 'EXPIRED' });
    clock.advanceSeconds(600);
    await getInfo.execute(me);
    expect(q.touches).toEqual([]);
  });
});
