import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import {
  activeUntil,
  ADMISSION_WINDOW_SECONDS,
  admissionSlots,
  effectiveSettings,
  QueueSettings,
} from '../domain/admission-policy';
import { observeAdmissionTick, throughputPerMinute } from '../domain/line-throughput';
import { isAbandonedAtHead, isBeforeOpening, ZoneMark, zoneSize } from '../domain/waiting-line';
import { LineSnapshotService } from './line-snapshot.service';
import { LineChanges } from './port/out/line-changes';
import { QueueLineRepository } from './port/out/queue-line.repository';
import { QueueSettingsRepository } from './port/out/queue-settings.repository';

export interface AdmissionSummary {
  /** False when another instance held the admission lock and did this tick's work. */
  ran: boolean;
  /** IN_PROGRESS tokens past their TTL, now EXPIRED. */
  expired: number;
  /** Waiting tokens near the head that showed no sign of life, EXPIRED at the head. */
  abandoned: number;
  admitted: number;
  /** Pre-queued tokens given their random places at the opening (0 on other ticks). */
  shuffled?: number;
}

/** Waiting tokens read past the free slots per batch, so that abandoned ones are skipped cheaply. */
const ABANDONED_LOOKAHEAD = 100;
/**
 * Bounds one tick's writes: a huge raise of the caps admits this many per tick, steadily,
 * instead of one tick locking a million rows, timing out and rolling back every time.
 */
export const MAX_ROWS_PER_TICK = 2_000;

/**
 * One tick of the admission job, in one transaction under a transaction-level advisory lock:
 * every instance runs it, one at a time does the work, the others skip the tick. Under the
 * lock the counts it reads cannot change behind its back (only payments expire tokens
 * meanwhile, which only frees slots), so the caps hold with any number of instances. When the
 * line moved, every instance hears it at commit and re-reads its line snapshot.
 */
@Injectable()
export class AdmitQueuedTokensUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly line: QueueLineRepository,
    private readonly settings: QueueSettingsRepository,
    private readonly changes: LineChanges,
    private readonly snapshot: LineSnapshotService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<AdmissionSummary> {
    let zoneMoved = false;
    const summary = await this.transactions.run(async () => {
      if (!(await this.line.tryLockAdmission())) {
        return { ran: false, expired: 0, abandoned: 0, admitted: 0 };
      }
      const now = this.clock.now();
      const expired = await this.line.expireOverdue(now, MAX_ROWS_PER_TICK);
      const stored = await this.settings.load();
      const settings = effectiveSettings(stored, {
        maxActive: this.config.queueMaxActiveTokens,
        admitPerMinute: this.config.queueAdmitPerMinute,
      });
      const windowStart = new Date(now.getTime() - ADMISSION_WINDOW_SECONDS * 1000);
      // Before a scheduled opening nobody is admitted, whatever the caps.
      const closed = isBeforeOpening(stored.opensAt, now);
      const shuffled = closed ? 0 : await this.placePrequeue(stored.prequeueShuffled);
      const zone = await this.line.zoneMarks();
      let admitted = 0;
      let abandoned = 0;
      let slots = 0;
      const active = await this.line.activeLoad(now);
      if (!settings.paused && !closed) {
        slots = Math.min(
          MAX_ROWS_PER_TICK,
          admissionSlots(settings, active.count, await this.line.countAdmittedSince(windowStart)),
        );
        ({ admitted, abandoned } = await this.fillSlots(slots, zone, now));
      }
      const head = await this.line.headOfLine();
      const throughput = observeAdmissionTick(stored.throughput, {
        now,
        admitted,
        running: !settings.paused && !closed,
        // Somebody is left whom the caps kept out (not a token that joined during the tick).
        waitingAfter: head !== null && admitted + abandoned >= slots,
        active: active.count,
        activeRemainingSeconds: active.remainingSeconds,
        ttlSeconds: this.config.queueActiveTtlSeconds,
      });
      const observed = throughputPerMinute(throughput);
      await this.settings.recordThroughput(throughput, observed);
      zoneMoved = await this.moveZone(zone, head, observed, settings, now);
      const summary: AdmissionSummary = { ran: true, expired, abandoned, admitted };
      if (shuffled > 0) summary.shuffled = shuffled;
      // Waiters newly near the head must learn it to show their sign of life.
      if (admitted + abandoned + expired + shuffled > 0 || zoneMoved) await this.changes.announce();
      return summary;
    });
    const moved = summary.admitted + summary.abandoned + summary.expired + (summary.shuffled ?? 0);
    // This instance's own snapshot follows at once, not when its NOTIFY comes back: a waiter
    // that the tick brought near the head owes its sign of life from its next poll here.
    if (moved > 0 || zoneMoved) this.snapshot.invalidate();
    return summary;
  }

  /**
   * At the first tick at or after the opening, exactly once (under the admission lock, and
   * the stored flag flips in the same transaction): the pre-queue is shuffled ahead of
   * everyone who came later. A token that joined the pre-queue as it was being shuffled is
   * placed at the end afterwards, as a late arrival.
   */
  private async placePrequeue(prequeueShuffled: boolean): Promise<number> {
    if (!prequeueShuffled) {
      const shuffled = await this.line.shufflePrequeue();
      await this.settings.recordPlacement(true);
      // Keys were reassigned: the near-head zone starts again from the new head.
      await this.line.clearZone();
      return shuffled;
    }
    const late = await this.line.placeLatePrequeue();
    if (late > 0) await this.settings.recordPlacement(false);
    return late;
  }

  /** Walks the head of the line in order: abandoned tokens are dropped, the rest admitted. */
  private async fillSlots(
    slots: number,
    zone: ZoneMark[],
    now: Date,
  ): Promise<{ admitted: number; abandoned: number }> {
    let admitted = 0;
    let abandoned = 0;
    let walked = 0;
    const expiresAt = activeUntil(now, this.config.queueActiveTtlSeconds);
    const abandonAfter = this.config.queueAbandonAfterSeconds;
    while (admitted < slots && walked < MAX_ROWS_PER_TICK) {
      const limit = Math.min(slots - admitted + ABANDONED_LOOKAHEAD, MAX_ROWS_PER_TICK - walked);
      const head = await this.line.lockHeadOfLine(limit);
      const gone: number[] = [];
      const admit: number[] = [];
      for (const waiting of head) {
        if (admitted + admit.length >= slots) break;
        if (isAbandonedAtHead(waiting, zone, now, abandonAfter)) gone.push(waiting.id);
        else admit.push(waiting.id);
      }
      if (gone.length > 0) abandoned += await this.line.expireWaiting(gone, now);
      if (admit.length > 0) admitted += await this.line.admit(admit, now, expiresAt);
      walked += gone.length + admit.length;
      if (head.length < limit) break;
    }
    return { admitted, abandoned };
  }

  /**
   * Grows the near-head zone (never shrinks it) to the waiters the current rate admits within
   * the abandonment delay plus the sign-of-life lead (zoneSize), and forgets marks of keys that
   * all left the line.
   */
  private async moveZone(
    zone: ZoneMark[],
    head: number | null,
    observedPerMinute: number | null,
    settings: QueueSettings,
    now: Date,
  ): Promise<boolean> {
    if (head === null) return false;
    const size = zoneSize(observedPerMinute, settings, this.config.queueAbandonAfterSeconds);
    const reach = head + size - 1;
    const covered = zone.length > 0 ? zone[zone.length - 1].key : null;
    const grew = covered === null || reach > covered;
    if (grew) await this.line.markZone(now, reach);
    await this.line.dropZoneMarksBelow(head);
    return grew;
  }
}
