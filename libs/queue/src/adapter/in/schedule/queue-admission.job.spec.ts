import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common/config/app-config';
import { AdmitQueuedTokensUseCase } from '../../../application/admit-queued-tokens.use-case';
import { QUEUE_ADMISSION_INTERVAL, QueueAdmissionJob } from './queue-admission.job';

describe('QueueAdmissionJob', () => {
  const configWith = (enabled: boolean) =>
    AppConfig.fromRaw({
      DATABASE_URL: 'postgres://unit/test',
      SCHEDULER_ENABLED: String(enabled),
      SCHEDULER_INTERVAL_MS: '50',
    });
  const summary = { ran: true, expired: 0, abandoned: 0, admitted: 1 };
  let registry: SchedulerRegistry;
  let execute: jest.Mock;
  let job: QueueAdmissionJob | undefined;

  beforeEach(() => {
    registry = new SchedulerRegistry();
    execute = jest.fn().mockResolvedValue(summary);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await job?.beforeApplicationShutdown();
    jest.restoreAllMocks();
  });

  const makeJob = (enabled: boolean) =>
    (job = new QueueAdmissionJob(
      { execute } as unknown as AdmitQueuedTokensUseCase,
      registry,
      configWith(enabled),
    ));

  it('registers an interval that ticks when the scheduler is enabled, and removes it on shutdown', async () => {
    // Fake timers: the count of ticks must not depend on how busy the machine is.
    jest.useFakeTimers();
    try {
      const running = makeJob(true);
      running.onApplicationBootstrap();
      expect(registry.doesExist('interval', QUEUE_ADMISSION_INTERVAL)).toBe(true);
      await jest.advanceTimersByTimeAsync(180);
      expect(execute).toHaveBeenCalledTimes(3);
      await running.beforeApplicationShutdown();
      expect(registry.doesExist('interval', QUEUE_ADMISSION_INTERVAL)).toBe(false);
      await jest.advanceTimersByTimeAsync(120);
      expect(execute).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('registers nothing when the scheduler is disabled', () => {
    makeJob(false).onApplicationBootstrap();
    expect(registry.getIntervals()).toEqual([]);
  });

  it('logs a failing tick and keeps going', async () => {
    execute.mockRejectedValueOnce(new Error('database gone')).mockResolvedValue(summary);
    const once = makeJob(false);
    await expect(once.tick()).resolves.toBeUndefined();
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringContaining('database gone'));
    await once.tick();
    expect(execute).toHaveBeenCalledTimes(2);
  });

  it('skips a tick while the previous one is still running', async () => {
    let finish: (value: typeof summary) => void = () => undefined;
    execute.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    const slow = makeJob(false);
    const first = slow.tick();
    await slow.tick();
    expect(execute).toHaveBeenCalledTimes(1);
    finish(summary);
    await first;
    await slow.tick();
    expect(execute).toHaveBeenCalledTimes(2);
  });
});
