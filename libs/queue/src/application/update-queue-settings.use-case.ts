import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import { InvalidRequestError } from '@app/common/domain/domain-error';
import { isValidSettingCount, settingCountMessage } from '../domain/admission-policy';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { isBeforeOpening } from '../domain/waiting-line';
import { GetQueueStatusUseCase, QueueStatus } from './get-queue-status.use-case';
import { QueueLineRepository } from './port/out/queue-line.repository';
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
    private readonly transactions: TransactionRunner,
    private readonly line: QueueLineRepository,
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
      patch.paused !== undefined ||
      patch.opensAt !== undefined
    ) {
      const now = this.clock.now();
      await this.transactions.run(async () => {
        const before = await this.settings.load();
        await this.settings.update(patch, now);
        if (patch.opensAt && isBeforeOpening(patch.opensAt, now)) {
          // A future opening closes the line: whoever waits now is placed with the rest.
          await this.line.moveWaitingToPrequeue();
          if (before.prequeueShuffled) await this.settings.awaitShuffle();
        }
        await this.changes.announce();
      });
      // Estimates and the opening depend on the settings: every instance re-reads its snapshot.
      this.snapshot.invalidate();
    }
    return this.status.execute();
  }
}
