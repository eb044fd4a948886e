import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import {
  activeUntil,
  ADMISSION_WINDOW_SECONDS,
  admissionSlots,
  effectiveSettings,
  isAbandoned,
} from '../domain/admission-policy';
import { QueueLineRepository } from './port/out/queue-line.repository';
import { QueueSettingsRepository } from './port/out/queue-settings.repository';

export interface AdmissionSummary {
  /** False when another instance held the admission lock and did this tick's work. */
  ran: boolean;
  /** IN_PROGRESS tokens past their TTL, now EXPIRED. */
  expired: number;
  /** Waiting tokens not polled for QUEUE_ABANDON_AFTER_SECONDS, EXPIRED at the head. */
  abandoned: number;
  admitted: number;
}

/** Waiting tokens read past the free slots per batch, so that abandoned ones are skipped cheaply. */
const ABANDONED_LOOKAHEAD = 100;
/** Bounds one tick's work when the head of the line is a long run of abandoned tokens. */
const MAX_WALKED_PER_TICK = 10_000;

/**
 * One tick of the admission job, in one transaction under a transaction-level advisory lock:
 * every instance runs it, one at a time does the work, the others skip the tick. Under the
 * lock the counts it reads cannot change behind its back (only payments expire tokens
 * meanwhile, which only frees slots), so the caps hold with any number of instances.
 */
@Injectable()
export class AdmitQueuedTokensUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly line: QueueLineRepository,
    private readonly settings: QueueSettingsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<AdmissionSummary> {
    return this.transactions.run(async () => {
      if (!(await this.line.tryLockAdmission())) {
        return { ran: false, expired: 0, abandoned: 0, admitted: 0 };
      }
      const now = this.clock.now();
      const expired = await this.line.expireOverdue(now);
      const stored = await this.settings.load();
      const settings = effectiveSettings(stored, {
        maxActive: this.config.queueMaxActiveTokens,
        admitPerMinute: this.config.queueAdmitPerMinute,
      });
      const windowStart = new Date(now.getTime() - ADMISSION_WINDOW_SECONDS * 1000);
      let admitted = 0;
      let abandoned = 0;
      if (!settings.paused) {
        const slots = admissionSlots(
          settings,
          await this.line.countActive(now),
          await this.line.countAdmittedSince(windowStart),
        );
        ({ admitted, abandoned } = await this.fillSlots(slots, now));
      }
      await this.settings.recordObservedRate(await this.line.countAdmittedSince(windowStart), now);
      return { ran: true, expired, abandoned, admitted };
    });
  }

  /** Walks the head of the line in id order: abandoned tokens are dropped, the rest admitted. */
  private async fillSlots(
    slots: number,
    now: Date,
  ): Promise<{ admitted: number; abandoned: number }> {
    let admitted = 0;
    let abandoned = 0;
    let walked = 0;
    const expiresAt = activeUntil(now, this.config.queueActiveTtlSeconds);
    while (admitted < slots && walked < MAX_WALKED_PER_TICK) {
      const limit = slots - admitted + ABANDONED_LOOKAHEAD;
      const head = await this.line.lockHeadOfLine(limit);
      const gone: number[] = [];
      const admit: number[] = [];
      for (const waiting of head) {
        if (admitted + admit.length >= slots) break;
        if (isAbandoned(waiting.lastSeenAt, now, this.config.queueAbandonAfterSeconds)) {
          gone.push(waiting.id);
        } else {
          admit.push(waiting.id);
        }
      }
      if (gone.length > 0) abandoned += await this.line.expireWaiting(gone, now);
      if (admit.length > 0) admitted += await this.line.admit(admit, now, expiresAt);
      walked += gone.length + admit.length;
      if (head.length < limit) break;
    }
    return { admitted, abandoned };
  }
}
