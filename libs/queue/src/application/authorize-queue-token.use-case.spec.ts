import { AppConfig } from '@app/common/config/app-config';
import { FakeClock } from '@test/support/fake-clock';
import { AuthorizeQueueTokenUseCase } from './authorize-queue-token.use-case';
import { InMemoryQueue } from '@test/support/fakes/in-memory-queue';

describe('AuthorizeQueueTokenUseCase', () => {
  let q: InMemoryQueue;
  let clock: FakeClock;
  let authorize: AuthorizeQueueTokenUseCase;

  beforeEach(() => {
    q = new InMemoryQueue();
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    const config = AppConfig.fromRaw({ DATABASE_URL: 'postgres://unit/test' });
    authorize = new AuthorizeQueueTokenUseCase(
      q.tokenRepository,
      clock,
      q.tokenCache(config),
      q.snapshotService(config, clock),
    );
  });

  const activeToken = () =>
    q.addToken({
      userId: 'u1',
      status: 'IN_PROGRESS',
      activatedAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 60_000),
    });

  it.each([
    ['no header', undefined],
    ['a header list', ['a'.repeat(32)]],
    ['a malformed token', 'xyz'],
    ['an unknown token', 'f'.repeat(32)],
  ])('refuses %s with 401 Token is invalid', async (_name, raw) => {
    await expect(authorize.execute(raw, 'ANY')).rejects.toMatchObject({
      kind: 'UNAUTHORIZED',
      message: 'Token is invalid',
    });
  });

  it.each([
    ['no header', undefined],
    ['a header list', ['a'.repeat(32)]],
    ['a malformed token', 'xyz'],
    ['an upper-case token', 'A'.repeat(32)],
  ])('refuses %s with 401 Token is invalid where the write checks the token', (_name, raw) => {
    expect(() => authorize.presented(raw)).toThrow(
      expect.objectContaining({ kind: 'UNAUTHORIZED', message: 'Token is invalid' }),
    );
  });

  it('lets a well-formed token through as presented, without reading it, where the write checks it', () => {
    const reads = jest.spyOn(q.tokenRepository, 'findByToken');
    // Unknown here: the write's own statement answers for it.
    expect(authorize.presented('f'.repeat(32))).toBe('f'.repeat(32));
    expect(reads).not.toHaveBeenCalled();
  });

  it('lets any known token through with ANY access, whatever its status', async () => {
    for (const status of ['IN_QUEUE', 'IN_PROGRESS', 'EXPIRED'] as const) {
      const token = q.addToken({ userId: `u-${status}`, status });
      await expect(authorize.execute(token.token, 'ANY')).resolves.toMatchObject({ status });
    }
  });

  it('answers 403 Token is still in queue for a queued token where an active one is needed', async () => {
    const token = q.addToken({ userId: 'u1' });
    await expect(authorize.execute(token.token, 'ACTIVE')).rejects.toMatchObject({
      kind: 'FORBIDDEN',
      message: 'Token is still in queue',
    });
  });

  it('lets an active token through', async () => {
    const token = activeToken();
    await expect(authorize.execute(token.token, 'ACTIVE')).resolves.toMatchObject({
      id: token.id,
    });
  });

  it('refuses an IN_PROGRESS token past its TTL at once, before the job expires it', async () => {
    const token = activeToken();
    clock.advanceSeconds(60);
    await expect(authorize.execute(token.token, 'ACTIVE')).rejects.toMatchObject({
      kind: 'UNAUTHORIZED',
      message: 'Token is invalid',
    });
  });

  it('refuses an EXPIRED token with 401', async () => {
    const token = q.addToken({ userId: 'u1', status: 'EXPIRED' });
    await expect(authorize.execute(token.token, 'ACTIVE')).rejects.toMatchObject({
      message: 'Token is invalid',
    });
  });
});
