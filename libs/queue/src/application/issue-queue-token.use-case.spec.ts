import { AppConfig } from '@app/common/config/app-config';
import { FakeClock } from '@test/support/fake-clock';
import { TOKEN_FORMAT } from '../domain/queue-token';
import { IssueQueueTokenUseCase } from './issue-queue-token.use-case';
import { InMemoryQueue } from '@test/support/fakes/in-memory-queue';

describe('IssueQueueTokenUseCase', () => {
  const ALICE = 'aaaaaaaa-1111-4111-8111-111111111111';
  const BOB = 'bbbbbbbb-1111-4111-8111-111111111111';
  let q: InMemoryQueue;
  let clock: FakeClock;
  let issue: IssueQueueTokenUseCase;

  beforeEach(() => {
    q = new InMemoryQueue();
    q.users.add(ALICE).add(BOB);
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    const config = AppConfig.fromRaw({ DATABASE_URL: 'postgres://unit/test' });
    issue = new IssueQueueTokenUseCase(
      q.transactions,
      q.tokenRepository,
      q.userDirectory,
      q.tokenCache(config),
      q.snapshotService(config, clock),
      clock,
    );
  });

  it('issues an IN_QUEUE token at the end of the line in one step, without the slow path lock', async () => {
    const first = await issue.execute(ALICE);
    const second = await issue.execute(BOB);
    expect(first).toEqual({
      token: expect.stringMatching(TOKEN_FORMAT),
      status: 'IN_QUEUE',
      position: 1,
    });
    expect(second.position).toBe(2);
    expect(q.lockedUsers).toEqual([]);
    expect(q.tokens[0]).toMatchObject({
      userId: ALICE,
      createdAt: clock.now(),
      lastSeenAt: clock.now(),
    });
  });

  it('returns the live token with its current place when asked again', async () => {
    await issue.execute(BOB);
    const first = await issue.execute(ALICE);
    q.tokens[0].status = 'EXPIRED';
    expect(await issue.execute(ALICE)).toEqual({ ...first, position: 1 });
    expect(q.tokens).toHaveLength(2);
  });

  it('normalises the user id, so one user has one token', async () => {
    const lower = await issue.execute(ALICE);
    const upper = await issue.execute(ALICE.toUpperCase());
    expect(upper.token).toBe(lower.token);
    expect(q.tokens).toHaveLength(1);
  });

  it('returns a live IN_PROGRESS token without a position', async () => {
    q.addToken({
      userId: ALICE,
      token: 'c'.repeat(32),
      status: 'IN_PROGRESS',
      activatedAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 1000),
    });
    expect(await issue.execute(ALICE)).toEqual({
      token: 'c'.repeat(32),
      status: 'IN_PROGRESS',
      position: null,
    });
  });

  it('expires an IN_PROGRESS token past its TTL and issues a new one', async () => {
    const old = q.addToken({
      userId: ALICE,
      status: 'IN_PROGRESS',
      activatedAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 1000),
    });
    clock.advanceSeconds(1);
    const issued = await issue.execute(ALICE);
    expect(issued).toMatchObject({ status: 'IN_QUEUE', position: 1 });
    expect(issued.token).not.toBe(old.token);
    expect(q.byId(old.id)).toMatchObject({ status: 'EXPIRED', expiredAt: clock.now() });
  });

  it('answers 400 User not found for an unknown user and writes nothing', async () => {
    await expect(issue.execute('cccccccc-1111-4111-8111-111111111111')).rejects.toMatchObject({
      kind: 'INVALID',
      message: 'User not found',
    });
    expect(q.tokens).toEqual([]);
  });

  it('falls back to the live token when the insert meets the one-live-token index', async () => {
    const existing = q.addToken({ userId: ALICE, token: 'd'.repeat(32) });
    // A concurrent request's token that the first read did not see.
    const findLive = q.tokenRepository.findLiveByUser.bind(q.tokenRepository);
    let calls = 0;
    q.tokenRepository.findLiveByUser = async (userId) => (calls++ === 0 ? null : findLive(userId));
    expect(await issue.execute(ALICE)).toEqual({
      token: existing.token,
      status: 'IN_QUEUE',
      position: 1,
    });
    expect(q.tokens).toHaveLength(1);
  });
});
