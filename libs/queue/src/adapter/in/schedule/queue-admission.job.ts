import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common/config/app-config';
import { IntervalJob } from '@app/common/adapter/schedule/interval-job';
import { AdmitQueuedTokensUseCase } from '../../../application/admit-queued-tokens.use-case';

export const QUEUE_ADMISSION_INTERVAL = 'queue-admission';

/** One admission tick per interval; the tick's advisory lock makes the instances take turns. */
@Injectable()
export class QueueAdmissionJob extends IntervalJob {
  constructor(
    private readonly admit: AdmitQueuedTokensUseCase,
    scheduler: SchedulerRegistry,
    config: AppConfig,
  ) {
    super(QUEUE_ADMISSION_INTERVAL, scheduler, config);
  }

  protected async work(): Promise<string | null> {
    const { admitted, expired, abandoned } = await this.admit.execute();
    return admitted + expired + abandoned > 0
      ? `admission tick: ${admitted} admitted, ${expired} expired, ${abandoned} abandoned`
      : null;
  }
}
