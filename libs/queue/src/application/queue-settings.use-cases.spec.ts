import { AppConfig } from '@app/common/config/app-config';
import { FakeClock } from '@test/support/fake-clock';
import { GetQueueStatusUseCase } from './get-queue-status.use-case';
import { InMemoryQueue } from '@test/support/fakes/in-memory-queue';
import { UpdateQueueSettingsUseCase } from './update-queue-settings.use-case';

describe('queue status and settings use cases', () => {
  const config = AppConfig.fromRaw({
    DATABASE_URL: 'postgres://unit/test',
    QUEUE_MAX_ACTIVE_TOKENS: '100',
    QUEUE_ADMIT_PER_MINUTE: '600',
  });
  let q: InMemoryQueue;
  let clock: FakeClock;
  let status: GetQueueStatusUseCase;
  let update: UpdateQueueSettingsUseCase;

  beforeEach(() => {
    q = new InMemoryQueue();
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    status = new GetQueueStatusUseCase(q.lineRepository, q.settingsRepository, config, clock);
    update = new UpdateQueueSettingsUseCase(
      q.settingsRepository,
      status,
      clock,
      q.lineChanges,
      q.snapshotService(config, clock),
      q.transactions,
      q.lineRepository,
    );
  });

  it('reports waiting and live active tokens with the environment defaults', async () => {
    q.addToken({ userId: 'a' });
    q.addToken({ userId: 'b' });
    q.addToken({
      userId: 'c',
      status: 'IN_PROGRESS',
      expiresAt: new Date(clock.now().getTime() + 1),
    });
    q.addToken({ userId: 'd', status: 'IN_PROGRESS', expiresAt: clock.now() });
    q.addToken({ userId: 'e', status: 'EXPIRED' });
    expect(await status.execute()).toEqual({
      waiting: 2,
      active: 1,
      maxActive: 100,
      admitPerMinute: 600,
      paused: false,
      opensAt: null,
      prequeue: 0,
    });
  });

  it('stores a partial change and answers the effective settings', async () => {
    expect(await update.execute({ maxActive: 5 })).toMatchObject({
      maxActive: 5,
      admitPerMinute: 600,
      paused: false,
    });
    expect(await update.execute({ paused: true, admitPerMinute: 0 })).toMatchObject({
      maxActive: 5,
      admitPerMinute: 0,
      paused: true,
    });
    expect(q.settingsUpdatedAt).toEqual(clock.now());
  });

  it('restores the environment value for a null', async () => {
    await update.execute({ maxActive: 5, admitPerMinute: 7 });
    expect(await update.execute({ maxActive: null })).toMatchObject({
      maxActive: 100,
      admitPerMinute: 7,
    });
  });

  it('writes nothing for an empty change', async () => {
    expect(await update.execute({})).toMatchObject({ maxActive: 100 });
    expect(q.settingsUpdatedAt).toBeNull();
  });

  it.each([
    [{ maxActive: -1 }, 'max_active must be a non-negative integer (at most 1000000)'],
    [{ admitPerMinute: 2.5 }, 'admit_per_minute must be a non-negative integer (at most 1000000)'],
    [{ maxActive: 1_000_001 }, 'max_active must be a non-negative integer (at most 1000000)'],
  ])('refuses %j with 400 and writes nothing', async (patch, message) => {
    await expect(update.execute(patch)).rejects.toMatchObject({ kind: 'INVALID', message });
    expect(q.settingsUpdatedAt).toBeNull();
  });
});
