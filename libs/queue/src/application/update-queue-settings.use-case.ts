import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import { InvalidRequestError } from '@app/common/domain/domain-error';
import { isValidSettingCount, settingCountMessage } from '../domain/admission-policy';
import { GetQueueStatusUseCase, QueueStatus } from './get-queue-status.use-case';
import { LineSnapshotService } from './line-snapshot.service';
import { LineChanges } from './port/out/line-changes';
import { QueueSettingsPatch, QueueSettingsRepository } from './port/out/queue-settings.repository';

/**
 * PATCH /admin/queue: the settings live in the database, so every instance's next tick obeys
 * them. Absent keys are kept; null clears an override back to the environment's value.
 */
@Injectable()
export class UpdateQueueSettingsUseCase {
  constructor(
    private readonly settings: QueueSettingsRepository,
    private readonly status: GetQueueStatusUseCase,
    private readonly clock: Clock,
    private readonly changes: LineChanges,
    private readonly snapshot: LineSnapshotService,
  ) {}

  async execute(patch: QueueSettingsPatch): Promise<QueueStatus> {
    for (const [name, value] of [
      ['max_active', patch.maxActive],
      ['admit_per_minute', patch.admitPerMinute],
    ] as const) {
      if (value !== undefined && value !== null && !isValidSettingCount(value)) {
        throw new InvalidRequestError(settingCountMessage(name));
      }
    }
    if (
      patch.maxActive !== undefined ||
      patch.admitPerMinute !== undefined ||
      patch.paused !== undefined
    ) {
      await this.settings.update(patch, this.clock.now());
      // Estimates depend on the settings: every instance re-reads its snapshot.
      await this.changes.announce();
      this.snapshot.invalidate();
    }
    return this.status.execute();
  }
}
