import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common/config/app-config';
import { IntervalJob } from '@app/common/adapter/schedule/interval-job';
import { ReleaseLapsedHoldsUseCase } from '../../../application/release-lapsed-holds.use-case';

export const HOLD_RELEASE_INTERVAL = 'hold-release';

/** Releases lapsed holds each interval; every instance may run it (the statement skips locked rows). */
@Injectable()
export class HoldReleaseJob extends IntervalJob {
  constructor(
    private readonly release: ReleaseLapsedHoldsUseCase,
    scheduler: SchedulerRegistry,
    config: AppConfig,
  ) {
    super(HOLD_RELEASE_INTERVAL, scheduler, config);
  }

  protected async work(): Promise<string | null> {
    const released = await this.release.execute();
    return released > 0 ? `released ${released} lapsed seat holds` : null;
  }
}
