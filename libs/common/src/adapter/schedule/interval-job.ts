import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../../config/app-config';

/**
 * A job that runs every SCHEDULER_INTERVAL_MS in every instance with SCHEDULER_ENABLED. The
 * work itself must be safe to run on several instances at once (advisory lock, SKIP LOCKED).
 * A run still going makes the next ticks skip rather than pile up; a failing run (the
 * database away) is logged and retried on the next tick, never crashing the app; shutdown
 * stops the timer and waits for the run in flight before the database closes.
 */
export abstract class IntervalJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private running: Promise<void> | null = null;

  protected constructor(
    private readonly jobName: string,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  /** One run of the job; returns a line worth logging, or null when it did nothing. */
  protected abstract work(): Promise<string | null>;

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled) return;
    const timer = setInterval(() => void this.tick(), this.config.schedulerIntervalMs);
    this.scheduler.addInterval(this.jobName, timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', this.jobName)) {
      this.scheduler.deleteInterval(this.jobName);
    }
    await this.running;
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.runOnce().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      const done = await this.work();
      if (done) this.logger.log(done);
    } catch (error) {
      this.logger.error(
        `${this.jobName} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
