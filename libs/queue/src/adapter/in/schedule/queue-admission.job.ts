import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common/config/app-config';
import { AdmitQueuedTokensUseCase } from '../../../application/admit-queued-tokens.use-case';

export const QUEUE_ADMISSION_INTERVAL = 'queue-admission';

/**
 * Runs one admission tick every SCHEDULER_INTERVAL_MS in every instance that has the
 * scheduler enabled; the tick's advisory lock makes the instances take turns. A failing tick
 * (the database away) is logged and retried on the next interval, never crashing the app.
 */
@Injectable()
export class QueueAdmissionJob implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueAdmissionJob.name);
  private running: Promise<void> | null = null;

  constructor(
    private readonly admit: AdmitQueuedTokensUseCase,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.schedulerEnabled) return;
    const handle = setInterval(() => void this.tick(), this.config.schedulerIntervalMs);
    this.scheduler.addInterval(QUEUE_ADMISSION_INTERVAL, handle);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', QUEUE_ADMISSION_INTERVAL)) {
      this.scheduler.deleteInterval(QUEUE_ADMISSION_INTERVAL);
    }
    // Let a tick in flight finish before the data source closes.
    await this.running;
  }

  /** One tick; a tick still running (a slow database) makes this one a no-op, not a pile-up. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.runOnce().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      const summary = await this.admit.execute();
      if (summary.expired + summary.abandoned + summary.admitted > 0) {
        this.logger.debug(
          `admission tick: ${summary.admitted} admitted, ${summary.expired} expired, ${summary.abandoned} abandoned`,
        );
      }
    } catch (error) {
      this.logger.error(
        `admission tick failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
