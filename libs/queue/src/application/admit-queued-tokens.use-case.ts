import { randomBytes } from 'node:crypto';
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
import { PERMUTATION_KEY_BYTES, PrequeuePermutation } from '../domain/prequeue-permutation';
import { isAbandonedAtHead, isBeforeOpening, ZoneMark, zoneSize } from '../domain/waiting-line';
import { LineSnapshotService } from './line-snapshot.service';
import { LineChanges } from './port/out/line-changes';
import { PrequeuePlace, QueueLineRepository } from './port/out/queue-line.repository';
import {
  QueueSettingsRepository,
  StoredOpening,
  StoredQueueSettings,
} from './port/out/queue-settings.repository';

export interface AdmissionSummary {
  /** False when another instance held the admission lock and did this tick's work. */
  ran: boolean;
  /** IN_PROGRESS tokens past their TTL, now EXPIRED. */
  expired: number;
  /** Waiting tokens near the head that showed no sign of life, EXPIRED at the head. */
  abandoned: number;
  admitted: number;
  /**
   * Pre-queued tokens given places: the opening's range (its places drawn at once, by the
   * permutation), and late arrivals placed at the end.
   */
  shuffled?: number;
  /** Keys of the opening's places written by this tick, ahead of the head. */
  written?: number;
}

/** Waiting tokens read past the free slots per batch, so that abandoned ones are skipped cheaply. */
const ABANDONED_LOOKAHEAD = 100;
/**
 * Bounds one tick's writes: a huge raise of the caps admits this many per tick, steadily,
 * instead of one tick locking a million rows, timing out and rolling back every time.
 */
export const MAX_ROWS_PER_TICK = 2_000;
/** Keys written per tick while the opening's block has unwritten places, at the least... */
export const MIN_KEYS_PER_TICK = MAX_ROWS_PER_TICK;
/** ...and at the most, when the head comes near the unwritten places faster than that. */
export const MAX_KEYS_PER_TICK = 5 * MAX_ROWS_PER_TICK;
/** Ticks of admissions at the rate cap the written keys reach past the near-head zone. */
export const KEYS_AHEAD_TICKS = 5;
/** Places computed between two yields to the event loop (each costs about 6 HMACs). */
const PLACES_PER_SLICE = 250;

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
      const stored = await this.settings.load();
      const settings = effectiveSettings(stored, {
        maxActive: this.config.queueMaxActiveTokens,
        admitPerMinute: this.config.queueAdmitPerMinute,
      });
      // Before a scheduled opening nobody is admitted, whatever the caps.
      const closed = isBeforeOpening(stored.opensAt, now);
      // The opening comes first: it waits for the joins under way, holding no row yet.
      const opening = closed || stored.prequeueShuffled ? stored.opening : await this.open();
      const expired = await this.line.expireOverdue(now, MAX_ROWS_PER_TICK);
      const windowStart = new Date(now.getTime() - ADMISSION_WINDOW_SECONDS * 1000);
      let shuffled = 0;
      let written = 0;
      if (!closed) {
        if (!stored.prequeueShuffled && opening) shuffled += opening.seqTo - opening.seqFrom;
        written = await this.writeAhead(opening, stored, settings);
        shuffled += await this.placeLate(opening);
      }
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
      if (written > 0) summary.written = written;
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
   * the stored flag flips in the same transaction): the pre-queue's places are drawn at once,
   * without touching its rows. A secret key from a CSPRNG keys a pseudorandom permutation of
   * the arrival numbers handed out so far (`PrequeuePermutation`); their keys form a block ahead
   * of everyone who comes later. Joins under way are waited for first, so that every number
   * in the range is a committed token or none; a join after it is behind the range.
   */
  private async open(): Promise<StoredOpening> {
    await this.line.lockPrequeueJoins();
    const opening = await this.settings.recordOpening({
      key: randomBytes(PERMUTATION_KEY_BYTES),
      seqTo: await this.line.prequeueEnd(),
      below: await this.line.prequeueBelow(),
    });
    // Keys are new: the near-head zone starts again from the new head.
    await this.line.clearZone();
    return opening;
  }

  /**
   * Writes the keys of the opening's next places, in place order, so that the admission (which
   * reads written keys only) always finds the head's: at least MIN_KEYS_PER_TICK a tick until
   * the block is written, more when the head comes within the near-head zone plus
   * KEYS_AHEAD_TICKS ticks of admissions of the unwritten places. A token whose place was
   * written without it (it committed later) keeps no key: it came late.
   */
  private async writeAhead(
    opening: StoredOpening | null,
    stored: StoredQueueSettings,
    settings: QueueSettings,
  ): Promise<number> {
    if (!opening) return 0;
    const size = opening.seqTo - opening.seqFrom;
    if (opening.frontier >= size) return 0;
    const head = await this.line.headOfLine();
    const blockStart = opening.below - size;
    const headPlace =
      head !== null && head >= blockStart && head < opening.below
        ? head - blockStart
        : opening.frontier;
    const perTick = Math.ceil((settings.admitPerMinute * this.config.schedulerIntervalMs) / 60_000);
    const reach =
      headPlace +
      zoneSize(stored.observedAdmissionsPerMinute, settings, this.config.queueAbandonAfterSeconds) +
      KEYS_AHEAD_TICKS * Math.min(MAX_ROWS_PER_TICK, perTick);
    const count = Math.min(
      size - opening.frontier,
      Math.max(MIN_KEYS_PER_TICK, Math.min(MAX_KEYS_PER_TICK, reach - opening.frontier)),
    );
    const permutation = new PrequeuePermutation(opening.key, size);
    const places: PrequeuePlace[] = [];
    for (let place = opening.frontier; place < opening.frontier + count; place += 1) {
      if (places.length > 0 && places.length % PLACES_PER_SLICE === 0) {
        // About 6 HMACs a place: polls on this instance are answered in between.
        await new Promise((resolve) => setImmediate(resolve));
      }
      places.push({
        seq: opening.seqFrom + permutation.inverse(place),
        key: blockStart + place,
      });
    }
    const written = await this.line.writePrequeueKeys(places);
    await this.settings.recordFrontier(opening.seqFrom, opening.frontier + count);
    opening.frontier += count;
    return written;
  }

  /**
   * Pre-queued tokens the opening does not place (their arrival number is outside its range:
   * they joined the pre-queue as it opened) are placed at the end at once, in arrival order;
   * once the block is written, so are those of the range that came late (their place was
   * written before they committed).
   */
  private async placeLate(opening: StoredOpening | null): Promise<number> {
    const writing = opening !== null && opening.frontier < opening.seqTo - opening.seqFrom;
    const late = await this.line.placeLatePrequeue(
      writing ? { seqFrom: opening.seqFrom, seqTo: opening.seqTo } : undefined,
    );
    if (late > 0) await this.settings.recordPlacement();
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
