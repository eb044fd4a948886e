import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import { effectiveSettings } from '../domain/admission-policy';
import { PrequeuePermutation } from '../domain/prequeue-permutation';
import {
  ACTIVE_EXPIRIES_READ,
  forecastSlots,
  LineSnapshot,
  SnapshotOpening,
} from '../domain/waiting-line';
import { StoredOpening } from './port/out/queue-settings.repository';
import { LineChanges } from './port/out/line-changes';
import { LineSnapshotRepository } from './port/out/line-snapshot.repository';

/**
 * This instance's view of the waiting line: read at most once per SCHEDULER_INTERVAL_MS for
 * all polls together (single-flight: concurrent readers share one query), and again at once
 * when any instance announces that the line moved. Waiting tokens' polls are answered from
 * it, so they cost no database work however many waiters poll.
 */
@Injectable()
export class LineSnapshotService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LineSnapshotService.name);
  private snapshot: LineSnapshot | null = null;
  /** performance.now() of the read the snapshot came from. */
  private readAtMs = 0;
  private stale = true;
  private reading: Promise<LineSnapshot> | null = null;
  /** Bumped by every invalidation; a read is good for the version it started at. */
  private version = 0;
  private readingVersion = -1;
  private readonly listeners = new Set<(snapshot: LineSnapshot) => void>();
  private readonly moveListeners = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly repository: LineSnapshotRepository,
    private readonly changes: LineChanges,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.changes.subscribe(() => {
      this.invalidate();
      if (this.closed) return;
      // The live-position streams want the news now, not at their next tick.
      if (this.listeners.size > 0 || this.moveListeners.size > 0) {
        void this.refresh()
          .then(() => {
            for (const listener of this.moveListeners) listener();
          })
          .catch(() => undefined);
      }
    });
  }

  /** No more reads on news once the app is closing (the pool goes next). */
  onModuleDestroy(): void {
    this.closed = true;
  }

  /** The snapshot, read afresh first when it is older than one tick or was invalidated. */
  async current(): Promise<LineSnapshot> {
    const maxAge = this.config.schedulerIntervalMs;
    if (this.snapshot && !this.stale && performance.now() - this.readAtMs < maxAge) {
      return this.snapshot;
    }
    return this.refresh();
  }

  /** The line moved (here or elsewhere): the next reader reads afresh. */
  invalidate(): void {
    this.stale = true;
    this.version += 1;
  }

  /**
   * Reads now, or joins the read already under way if it started after the last
   * invalidation; a read that started before it is not good enough: a new one follows it.
   */
  refresh(): Promise<LineSnapshot> {
    if (this.reading && this.readingVersion === this.version) return this.reading;
    const version = this.version;
    const before = this.reading ? this.reading.catch(() => undefined) : Promise.resolve();
    const reading = before.then(() => this.read(version));
    this.reading = reading;
    this.readingVersion = version;
    void reading
      .finally(() => {
        if (this.reading === reading) this.reading = null;
      })
      .catch(() => undefined);
    return reading;
  }

  /** Called once the snapshot was read afresh after any instance announced that the line moved. */
  onLineMoved(listener: () => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }

  /** Called with each new snapshot. */
  onRefresh(listener: (snapshot: LineSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The opening's permutation is kept from one snapshot to the next: its places are memoised. */
  private openingOf(stored: StoredOpening | null): SnapshotOpening | null {
    if (!stored) return null;
    const size = stored.seqTo - stored.seqFrom;
    const previous = this.snapshot?.opening?.permutation;
    const permutation = previous?.sameAs(stored.key, size)
      ? previous
      : new PrequeuePermutation(stored.key, size);
    return {
      seqFrom: stored.seqFrom,
      seqTo: stored.seqTo,
      below: stored.below,
      frontier: stored.frontier,
      permutation,
    };
  }

  private async read(version: number): Promise<LineSnapshot> {
    const startedMs = performance.now();
    const now = this.clock.now();
    try {
      const stored = await this.repository.read(now);
      const settings = effectiveSettings(stored.overrides, {
        maxActive: this.config.queueMaxActiveTokens,
        admitPerMinute: this.config.queueAdmitPerMinute,
      });
      const active = stored.activeExpiries.length;
      const snapshot: LineSnapshot = {
        readAt: now,
        head: stored.head,
        negTail: stored.negTail,
        posHead: stored.posHead,
        tail: stored.tail,
        opensAt: stored.opensAt,
        generation: stored.generation,
        settings,
        activeExpiries: stored.activeExpiries,
        active,
        meanSessionSeconds: stored.meanSessionSeconds,
        // Once per snapshot, for all its polls: each poll then picks one entry.
        slots: forecastSlots(
          stored.activeExpiries,
          Math.max(0, settings.maxActive - active),
          now,
          this.config.queueActiveTtlSeconds,
          stored.meanSessionSeconds,
        ),
        zone: stored.zone,
        opening: this.openingOf(stored.opening),
      };
      if (snapshot.activeExpiries.length >= ACTIVE_EXPIRIES_READ) {
        this.logger.debug(
          `more than ${ACTIVE_EXPIRIES_READ} active tokens: estimates use the soonest`,
        );
      }
      this.snapshot = snapshot;
      this.readAtMs = startedMs;
      // Invalidations that arrived during the read apply to the next one.
      this.stale = this.version !== version;
      for (const listener of this.listeners) listener(snapshot);
      return snapshot;
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }
}
