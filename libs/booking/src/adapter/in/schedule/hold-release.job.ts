import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common/config/app-config';
import { ReleaseLapsedHoldsUseCase } from '../../../application/release-lapsed-holds.use-case';

const JOB_NAME = 'hold-release';

/**
 * Runs the release of lapsed holds every SCHEDULER_INTERVAL_MS on this instance (when
 * SCHEDULER_ENABLED). Every instance may run it: the statement skips rows others hold.
 */
@Injectable()
export class HoldReleaseJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('HoldReleaseJob');
  private running: Promise<void> | null = null;

  constructor(
    private readonly release: ReleaseLapsedHoldsUseCase,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled) return;
    const timer = setInterval(() => void this.tick(), this.config.schedulerIntervalMs);
    this.scheduler.addInterval(JOB_NAME, timer);
  }

  /** Before the database closes: no new run, and the current one allowed to finish. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', JOB_NAME)) this.scheduler.deleteInterval(JOB_NAME);
    await this.running;
  }

  /** One run; a slow run makes the next ticks skip rather than pile up. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.runOnce().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      const released = await this.release.execute();
      if (released > 0) this.logger.log(`released ${released} lapsed seat holds`);
    } catch (error) {
      // A database outage must not kill the timer; the next tick tries again.
      this.logger.error(`hold release failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}
