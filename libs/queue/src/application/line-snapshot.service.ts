import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import { effectiveSettings } from '../domain/admission-policy';
import { ACTIVE_EXPIRIES_READ, LineSnapshot } from '../domain/waiting-line';
import { LineChanges } from './port/out/line-changes';
import { LineSnapshotRepository } from './port/out/line-snapshot.repository';

/**
 * This instance's view of the waiting line: read at most once per SCHEDULER_INTERVAL_MS for
 * all polls together (single-flight: concurrent readers share one query), and again at once
 * when any instance announces that the line moved. Waiting tokens' polls are answered from
 * it, so they cost no database work however many waiters poll.
 */
@Injectable()
export class LineSnapshotService implements OnModuleInit {
  private readonly logger = new Logger(LineSnapshotService.name);
  private snapshot: LineSnapshot | null = null;
  /** performance.now() of the read the snapshot came from. */
  private readAtMs = 0;
  private stale = true;
  private reading: Promise<LineSnapshot> | null = null;
  private readonly listeners = new Set<(snapshot: LineSnapshot) => void>();
  private readonly moveListeners = new Set<() => void>();

  constructor(
    private readonly repository: LineSnapshotRepository,
    private readonly changes: LineChanges,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.changes.subscribe(() => {
      this.invalidate();
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
  }

  /** Reads now, or joins the read already under way. */
  refresh(): Promise<LineSnapshot> {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
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

  private async read(): Promise<LineSnapshot> {
    const startedMs = performance.now();
    // Invalidations that arrive during the read apply to the next one.
    this.stale = false;
    const now = this.clock.now();
    try {
      const stored = await this.repository.read(now);
      const snapshot: LineSnapshot = {
        readAt: now,
        head: stored.head,
        negTail: stored.negTail,
        posHead: stored.posHead,
        tail: stored.tail,
        opensAt: stored.opensAt,
        generation: stored.generation,
        settings: effectiveSettings(stored.overrides, {
          maxActive: this.config.queueMaxActiveTokens,
          admitPerMinute: this.config.queueAdmitPerMinute,
        }),
        observedAdmissionsPerMinute: stored.observedAdmissionsPerMinute,
        activeExpiries: stored.activeExpiries,
        active: stored.activeExpiries.length,
        zone: stored.zone,
      };
      if (snapshot.activeExpiries.length >= ACTIVE_EXPIRIES_READ) {
        this.logger.debug(
          `more than ${ACTIVE_EXPIRIES_READ} active tokens: estimates use the soonest`,
        );
      }
      this.snapshot = snapshot;
      this.readAtMs = startedMs;
      for (const listener of this.listeners) listener(snapshot);
      return snapshot;
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }
}
