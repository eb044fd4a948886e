import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import { effectiveSettings, QueueSettings } from '../domain/admission-policy';
import { QueueLineRepository } from './port/out/queue-line.repository';
import { QueueSettingsRepository } from './port/out/queue-settings.repository';

export interface QueueStatus extends QueueSettings {
  /** Tokens IN_QUEUE. */
  waiting: number;
  /** IN_PROGRESS tokens inside their TTL. */
  active: number;
  /** The scheduled opening, or null. */
  opensAt: Date | null;
  /** Tokens waiting for the opening's places, or late for them (no place yet). */
  prequeue: number;
}

/** GET /admin/queue (and metrics): the line's size and the settings every instance obeys. */
@Injectable()
export class GetQueueStatusUseCase {
  constructor(
    private readonly line: QueueLineRepository,
    private readonly settings: QueueSettingsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<QueueStatus> {
    const stored = await this.settings.load();
    return {
      ...effectiveSettings(stored, {
        maxActive: this.config.queueMaxActiveTokens,
        admitPerMinute: this.config.queueAdmitPerMinute,
      }),
      waiting: await this.line.countWaiting(),
      active: await this.line.countActive(this.clock.now()),
      opensAt: stored.opensAt,
      prequeue: await this.line.countPrequeue(),
    };
  }
}
