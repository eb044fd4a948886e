import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common/config/app-config';
import { ReleaseLapsedHoldsUseCase } from '../../../application/release-lapsed-holds.use-case';
import { HoldReleaseJob } from './hold-release.job';

const config = (enabled: boolean) =>
  AppConfig.fromRaw({
    DATABASE_URL: 'postgres://x/y',
    SCHEDULER_ENABLED: String(enabled),
    SCHEDULER_INTERVAL_MS: '60000',
  });

function job(execute: () => Promise<number>, enabled = true) {
  const registry = new SchedulerRegistry();
  const release = { execute } as unknown as ReleaseLapsedHoldsUseCase;
  return { registry, job: new HoldReleaseJob(release, registry, config(enabled)) };
}

describe('HoldReleaseJob', () => {
  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  it('registers its interval when the scheduler is enabled, and removes it on shutdown', async () => {
    const { registry, job: holdRelease } = job(async () => 0);
    holdRelease.onApplicationBootstrap();
    expect(registry.getIntervals()).toEqual(['hold-release']);
    await holdRelease.beforeApplicationShutdown();
    expect(registry.getIntervals()).toEqual([]);
  });

  it('registers nothing when the scheduler is disabled', async () => {
    const { registry, job: holdRelease } = job(async () => 0, false);
    holdRelease.onApplicationBootstrap();
    expect(registry.getIntervals()).toEqual([]);
    await expect(holdRelease.beforeApplicationShutdown()).resolves.toBeUndefined();
  });

  it('logs a failed run instead of throwing, and runs again next time', async () => {
    const execute = jest
      .fn()
      .mockRejectedValueOnce(new Error('database down'))
      .mockResolvedValue(2);
    const { job: holdRelease } = job(execute);
    await expect(holdRelease.tick()).resolves.toBeUndefined();
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringContaining('database down'));
    await holdRelease.tick();
    expect(execute).toHaveBeenCalledTimes(2);
  });

  it('skips a tick while the previous run is still going', async () => {
    let finish: (count: number) => void = () => undefined;
    const execute = jest.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    const { job: holdRelease } = job(execute);
    const first = holdRelease.tick();
    await holdRelease.tick();
    expect(execute).toHaveBeenCalledTimes(1);
    finish(0);
    await first;
    void holdRelease.tick();
    expect(execute).toHaveBeenCalledTimes(2);
    finish(0);
  });

  it('lets the current run finish before the application shuts down', async () => {
    let finish: (count: number) => void = () => undefined;
    const execute = jest.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    const { job: holdRelease } = job(execute);
    holdRelease.onApplicationBootstrap();
    void holdRelease.tick();
    let shutDown = false;
    const shutdown = holdRelease.beforeApplicationShutdown().then(() => (shutDown = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(shutDown).toBe(false);
    finish(0);
    await shutdown;
    expect(shutDown).toBe(true);
  });
});
