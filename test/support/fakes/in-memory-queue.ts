import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import { QueueToken, TokenStatus } from '@app/queue/domain/queue-token';
import {
  LineThroughput,
  meanSessionSeconds,
  NO_THROUGHPUT,
} from '@app/queue/domain/line-throughput';
import { ACTIVE_EXPIRIES_READ, LineShape, ZoneMark } from '@app/queue/domain/waiting-line';
import { LineSnapshotService } from '@app/queue/application/line-snapshot.service';
import { LineChanges } from '@app/queue/application/port/out/line-changes';
import { LineSnapshotRepository } from '@app/queue/application/port/out/line-snapshot.repository';
import { WaitingTokenCache } from '@app/queue/application/waiting-token-cache';
import {
  QueueLineRepository,
  WaitingToken,
} from '@app/queue/application/port/out/queue-line.repository';
import {
  QueueSettingsPatch,
  QueueSettingsRepository,
  StoredOpening,
  StoredQueueSettings,
} from '@app/queue/application/port/out/queue-settings.repository';
import {
  NewQueueToken,
  QueueTokenRepository,
  TokenSeatHold,
} from '@app/queue/application/port/out/queue-token.repository';
import { FakeTransactionRunner } from './fake-transaction-runner';
import { UserDirectoryRepository } from '@app/queue/application/port/out/user-directory.repository';

export interface StoredToken extends QueueToken {
  expiredAt: Date | null;
  /** The pre-queue's arrival number (the column prequeue_seq). */
  prequeueSeq: number | null;
}

/** The settings row's opening columns. */
interface OpeningRow {
  key: Buffer | null;
  seqFrom: number;
  seqTo: number;
  below: number;
  frontier: number;
}

const live = (status: TokenStatus) => status === 'IN_QUEUE' || status === 'IN_PROGRESS';

/**
 * The queue's out-ports over plain arrays, for the use cases' unit tests. Each method mirrors
 * the SQL of its TypeORM adapter; the transaction runner really rolls back on error.
 */
export class InMemoryQueue {
  tokens: StoredToken[] = [];
  settings: StoredQueueSettings = {
    maxActive: null,
    admitPerMinute: null,
    paused: false,
    observedAdmissionsPerMinute: null,
    opensAt: null,
    prequeueShuffled: true,
    throughput: NO_THROUGHPUT,
    opening: null,
  };
  /** The opening columns as stored (`settings.opening` is their view while the key is kept). */
  openingRow: OpeningRow = { key: null, seqFrom: 1, seqTo: 1, below: 0, frontier: 0 };
  /** The pre-queue's sequence: its next arrival number. */
  nextPrequeueSeq = 1;
  /** Times the opening waited for the joins under way. */
  prequeueLocks = 0;
  generation = 0;
  settingsUpdatedAt: Date | null = null;
  observedAt: Date | null = null;
  users = new Set<string>();
  seatHolds = new Map<string, TokenSeatHold>();
  /** Simulates another instance holding the admission lock. */
  admissionLockedElsewhere = false;
  lockedUsers: string[] = [];
  /** Ids whose sign of life was written. */
  touches: number[] = [];
  zone: ZoneMark[] = [];
  announcements = 0;
  snapshotReads = 0;
  /** Line reads, to check a tick walks past abandoned tokens in bounded batches. */
  headReads: number[] = [];
  private nextId = 1;

  /** A token row; a waiting one with no key gets the pre-queue's next arrival number. */
  addToken(fields: Partial<StoredToken> & { userId: string }): StoredToken {
    const at = fields.createdAt ?? new Date(0);
    const id = this.nextId++;
    const token: StoredToken = {
      id,
      lineKey: id,
      token: `${this.nextId}`.padStart(32, '0'),
      status: 'IN_QUEUE',
      createdAt: at,
      lastSeenAt: at,
      activatedAt: null,
      expiresAt: null,
      expiredAt: null,
      prequeueSeq: null,
      ...fields,
    };
    if (token.status === 'IN_QUEUE' && token.lineKey === null && fields.prequeueSeq === undefined) {
      token.prequeueSeq = this.nextPrequeueSeq++;
    }
    this.tokens.push(token);
    return token;
  }

  /** The token as the adapter reads it: its fields, and its pre-queue ticket (LATE_BELOW). */
  read(token: StoredToken): QueueToken {
    const { expiredAt: _expiredAt, prequeueSeq, ...fields } = token;
    let prequeue: QueueToken['prequeue'] = null;
    if (token.lineKey === null && prequeueSeq !== null) {
      const lateBelow = prequeueSeq >= this.openingRow.seqTo ? 0 : this.openingRow.frontier;
      prequeue = { seq: prequeueSeq, lateBelow };
    }
    return { ...fields, prequeue };
  }

  /** Whether the opening's keys are still being written (WRITING in the adapter). */
  writing(): boolean {
    const o = this.openingRow;
    return o.key !== null && o.frontier < o.seqTo - o.seqFrom;
  }

  /** The pre-queue is closed for new joins at `at` (a scheduled opening still ahead). */
  prequeuedAt(at: Date): boolean {
    const opensAt = this.settings.opensAt;
    return opensAt !== null && opensAt.getTime() > at.getTime();
  }

  byId(id: number): StoredToken {
    const token = this.tokens.find((candidate) => candidate.id === id);
    if (!token) throw new Error(`no token ${id}`);
    return token;
  }

  readonly tokenRepository: QueueTokenRepository = new (class extends QueueTokenRepository {
    constructor(private readonly q: InMemoryQueue) {
      super();
    }
    async findByToken(token: string): Promise<QueueToken | null> {
      const found = this.q.tokens.find((candidate) => candidate.token === token);
      // The row as the adapter maps it: the token's fields, not the fake's bookkeeping.
      return found ? this.q.read(found) : null;
    }
    async findManyByToken(tokens: readonly string[]) {
      const wanted = new Set(tokens);
      return this.q.tokens
        .filter((candidate) => wanted.has(candidate.token))
        .map((token) => this.q.read(token));
    }
    async lockUser(userId: string) {
      this.q.lockedUsers.push(userId);
    }
    async expireOverdueOfUser(userId: string, now: Date) {
      for (const token of this.q.tokens) {
        if (
          token.userId === userId &&
          token.status === 'IN_PROGRESS' &&
          token.expiresAt!.getTime() <= now.getTime()
        ) {
          Object.assign(token, { status: 'EXPIRED', expiredAt: now });
        }
      }
    }
    async findLiveByUser(userId: string) {
      const found = this.q.tokens.find((token) => token.userId === userId && live(token.status));
      return found ? this.q.read(found) : null;
    }
    async insertQueued(token: NewQueueToken) {
      if (this.q.tokens.some((t) => t.userId === token.userId && live(t.status))) return null;
      return this.q.read(this.newWaiter(token));
    }
    async joinLine(token: NewQueueToken) {
      const head = this.q.shape();
      const existing = this.q.tokens.find((t) => t.userId === token.userId && live(t.status));
      if (existing) return { token: this.q.read(existing), created: false, shape: head };
      if (!this.q.users.has(token.userId)) return null;
      const created = this.newWaiter(token);
      return { token: this.q.read(created), created: true, shape: head };
    }
    /** NEW_LINE_KEY: no key and an arrival number in the pre-queue, else the next key. */
    private newWaiter(token: NewQueueToken): StoredToken {
      const prequeued = this.q.prequeuedAt(token.createdAt);
      return this.q.addToken({
        ...token,
        createdAt: token.createdAt,
        ...(prequeued ? { lineKey: null } : {}),
      });
    }
    async lineShape() {
      return this.q.shape();
    }
    async signOfLife(id: number, now: Date, since: Date) {
      const token = this.q.byId(id);
      if (token.status === 'IN_QUEUE' && token.lastSeenAt.getTime() <= since.getTime()) {
        token.lastSeenAt = now;
        this.q.touches.push(id);
      }
    }
    async signsOfLife(waiters: readonly { id: number; since: Date }[], now: Date) {
      for (const { id, since } of waiters) await this.signOfLife(id, now, since);
    }
    async findSeatHold(token: string) {
      return this.q.seatHolds.get(token) ?? null;
    }
    async findSeatHolds(tokens: readonly string[]) {
      const holds = new Map<string, TokenSeatHold>();
      for (const token of tokens) {
        const hold = this.q.seatHolds.get(token);
        if (hold) holds.set(token, hold);
      }
      return holds;
    }
  })(this);

  readonly lineRepository: QueueLineRepository = new (class extends QueueLineRepository {
    constructor(private readonly q: InMemoryQueue) {
      super();
    }
    async tryLockAdmission() {
      return !this.q.admissionLockedElsewhere;
    }
    async expireOverdue(now: Date, limit: number) {
      // The longest overdue first, like the adapter's ORDER BY expires_at.
      const overdue = this.q.tokens
        .filter(
          (token) => token.status === 'IN_PROGRESS' && token.expiresAt!.getTime() <= now.getTime(),
        )
        .sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime())
        .slice(0, limit);
      for (const token of overdue) Object.assign(token, { status: 'EXPIRED', expiredAt: now });
      return overdue.length;
    }
    async countActive(now: Date) {
      return this.q.tokens.filter(
        (token) => token.status === 'IN_PROGRESS' && token.expiresAt!.getTime() > now.getTime(),
      ).length;
    }
    async activeLoad(now: Date) {
      const active = this.q.tokens.filter(
        (token) => token.status === 'IN_PROGRESS' && token.expiresAt!.getTime() > now.getTime(),
      );
      return {
        count: active.length,
        remainingSeconds: active.reduce(
          (sum, token) => sum + (token.expiresAt!.getTime() - now.getTime()) / 1000,
          0,
        ),
      };
    }
    async countAdmittedSince(since: Date) {
      return this.q.tokens.filter(
        (token) => token.activatedAt !== null && token.activatedAt.getTime() > since.getTime(),
      ).length;
    }
    async countWaiting() {
      return this.q.tokens.filter((token) => token.status === 'IN_QUEUE').length;
    }
    async lockHeadOfLine(limit: number): Promise<WaitingToken[]> {
      this.q.headReads.push(limit);
      // Placed tokens only: the pre-queue (no key yet) is not in line.
      return this.q.tokens
        .filter((token) => token.status === 'IN_QUEUE' && token.lineKey !== null)
        .sort((a, b) => a.lineKey! - b.lineKey!)
        .slice(0, limit)
        .map((token) => ({
          id: token.id,
          lineKey: token.lineKey!,
          createdAt: token.createdAt,
          lastSeenAt: token.lastSeenAt,
        }));
    }
    async headOfLine() {
      return this.q.head();
    }
    async countPrequeue() {
      const o = this.q.openingRow;
      const inRange = (seq: number | null) =>
        this.q.writing() && seq !== null && seq >= o.seqFrom && seq < o.seqTo;
      return this.q.tokens.filter(
        (t) => t.status === 'IN_QUEUE' && t.lineKey === null && !inRange(t.prequeueSeq),
      ).length;
    }
    async moveWaitingToPrequeue() {
      const moving = this.q.tokens
        .filter(
          (t) =>
            t.status === 'IN_QUEUE' &&
            (t.lineKey !== null ||
              t.prequeueSeq === null ||
              t.prequeueSeq < this.q.openingRow.seqTo),
        )
        .sort((a, b) => (a.lineKey ?? Infinity) - (b.lineKey ?? Infinity) || a.id - b.id);
      for (const token of moving) {
        token.lineKey = null;
        token.prequeueSeq = this.q.nextPrequeueSeq++;
      }
      return moving.length;
    }
    async lockPrequeueJoins() {
      this.q.prequeueLocks += 1;
    }
    async prequeueEnd() {
      return this.q.nextPrequeueSeq;
    }
    async prequeueBelow() {
      const negatives = this.q.tokens
        .filter((t) => t.status === 'IN_QUEUE' && t.lineKey !== null && t.lineKey < 0)
        .map((t) => t.lineKey!);
      return Math.min(0, ...negatives);
    }
    async writePrequeueKeys(places: readonly { seq: number; key: number }[]) {
      let written = 0;
      for (const { seq, key } of places) {
        const token = this.q.tokens.find(
          (t) => t.prequeueSeq === seq && t.status === 'IN_QUEUE' && t.lineKey === null,
        );
        if (!token) continue;
        token.lineKey = key;
        written += 1;
      }
      return written;
    }
    async placeLatePrequeue(outside?: { seqFrom: number; seqTo: number }) {
      const late = this.q.tokens.filter(
        (t) =>
          t.status === 'IN_QUEUE' &&
          t.lineKey === null &&
          (!outside ||
            t.prequeueSeq === null ||
            t.prequeueSeq < outside.seqFrom ||
            t.prequeueSeq >= outside.seqTo),
      );
      for (const token of late) token.lineKey = this.q.nextKey();
      return late.length;
    }
    async clearZone() {
      this.q.zone = [];
    }
    async zoneMarks() {
      return [...this.q.zone].sort((a, b) => a.at.getTime() - b.at.getTime());
    }
    async markZone(at: Date, key: number) {
      const same = this.q.zone.find((mark) => mark.at.getTime() === at.getTime());
      if (same) same.key = Math.max(same.key, key);
      else this.q.zone.push({ at, key });
    }
    async dropZoneMarksBelow(head: number) {
      this.q.zone = this.q.zone.filter((mark) => mark.key >= head);
    }
    async expireWaiting(ids: number[], now: Date) {
      let count = 0;
      for (const id of ids) {
        const token = this.q.byId(id);
        if (token.status !== 'IN_QUEUE') continue;
        Object.assign(token, { status: 'EXPIRED', expiredAt: now });
        count += 1;
      }
      return count;
    }
    async admit(ids: number[], now: Date, expiresAt: Date) {
      let count = 0;
      for (const id of ids) {
        const token = this.q.byId(id);
        if (token.status !== 'IN_QUEUE') continue;
        Object.assign(token, { status: 'IN_PROGRESS', activatedAt: now, expiresAt });
        count += 1;
      }
      return count;
    }
  })(this);

  readonly settingsRepository: QueueSettingsRepository =
    new (class extends QueueSettingsRepository {
      constructor(private readonly q: InMemoryQueue) {
        super();
      }
      async load() {
        return { ...this.q.settings, opening: this.q.storedOpening() };
      }
      async update(patch: QueueSettingsPatch, now: Date) {
        const next = { ...this.q.settings };
        if (patch.maxActive !== undefined) next.maxActive = patch.maxActive;
        if (patch.admitPerMinute !== undefined) next.admitPerMinute = patch.admitPerMinute;
        if (patch.paused !== undefined) next.paused = patch.paused;
        if (patch.opensAt !== undefined) next.opensAt = patch.opensAt;
        this.q.settings = next;
        this.q.settingsUpdatedAt = now;
      }
      async awaitShuffle() {
        this.q.settings = { ...this.q.settings, prequeueShuffled: false };
        const o = this.q.openingRow;
        this.q.openingRow = { ...o, key: null, seqFrom: o.seqTo, frontier: 0 };
      }
      async recordOpening(opening: { key: Buffer; seqTo: number; below: number }) {
        this.q.generation += 1;
        this.q.settings = { ...this.q.settings, prequeueShuffled: true };
        const o = this.q.openingRow;
        this.q.openingRow = {
          key: opening.key,
          seqFrom: o.seqTo,
          seqTo: Math.max(o.seqTo, opening.seqTo),
          below: opening.below,
          frontier: 0,
        };
        return this.q.storedOpening()!;
      }
      async recordFrontier(seqFrom: number, frontier: number) {
        const o = this.q.openingRow;
        if (o.key !== null && o.seqFrom === seqFrom) this.q.openingRow = { ...o, frontier };
      }
      async recordPlacement() {
        this.q.generation += 1;
      }
      async recordThroughput(throughput: LineThroughput, admissionsPerMinute: number | null) {
        this.q.settings = {
          ...this.q.settings,
          observedAdmissionsPerMinute: admissionsPerMinute,
          throughput,
        };
        this.q.observedAt = throughput.at;
      }
    })(this);

  readonly userDirectory: UserDirectoryRepository = new (class extends UserDirectoryRepository {
    constructor(private readonly q: InMemoryQueue) {
      super();
    }
    async exists(userId: string) {
      return this.q.users.has(userId);
    }
  })(this);

  readonly lineChanges: LineChanges = new (class extends LineChanges {
    constructor(private readonly q: InMemoryQueue) {
      super();
    }
    async announce() {
      this.q.announcements += 1;
    }
    subscribe() {}
  })(this);

  readonly snapshotRepository: LineSnapshotRepository = new (class extends LineSnapshotRepository {
    constructor(private readonly q: InMemoryQueue) {
      super();
    }
    async read(now: Date) {
      this.q.snapshotReads += 1;
      const waiting = this.q.tokens
        .filter((token) => token.status === 'IN_QUEUE' && token.lineKey !== null)
        .map((token) => token.lineKey!);
      const activeExpiries = this.q.tokens
        .filter(
          (token) => token.status === 'IN_PROGRESS' && token.expiresAt!.getTime() > now.getTime(),
        )
        .map((token) => token.expiresAt!)
        .sort((a, b) => a.getTime() - b.getTime())
        .slice(0, ACTIVE_EXPIRIES_READ);
      return {
        ...this.q.shape(),
        tail: waiting.length === 0 ? null : Math.max(...waiting),
        opensAt: this.q.settings.opensAt,
        generation: this.q.generation,
        overrides: {
          maxActive: this.q.settings.maxActive,
          admitPerMinute: this.q.settings.admitPerMinute,
          paused: this.q.settings.paused,
        },
        activeExpiries,
        meanSessionSeconds: meanSessionSeconds(this.q.settings.throughput),
        zone: [...this.q.zone],
        opening: this.q.storedOpening(),
      };
    }
  })(this);

  /** A snapshot service over this queue; `invalidate()` it after changing the fake by hand. */
  snapshotService(config: AppConfig, clock: Clock): LineSnapshotService {
    return new LineSnapshotService(this.snapshotRepository, this.lineChanges, config, clock);
  }

  tokenCache(config: AppConfig): WaitingTokenCache {
    return new WaitingTokenCache(config);
  }

  head(): number | null {
    return this.shape().head;
  }

  /** LINE_SHAPE_COLUMNS: the written keys, and the opening's unwritten places. */
  shape(): LineShape {
    const keys = this.tokens
      .filter((token) => token.status === 'IN_QUEUE' && token.lineKey !== null)
      .map((token) => token.lineKey!);
    const negatives = keys.filter((key) => key < 0);
    const positives = keys.filter((key) => key > 0);
    let head = keys.length === 0 ? null : Math.min(...keys);
    let negTail = negatives.length === 0 ? null : Math.max(...negatives);
    if (this.writing()) {
      const o = this.openingRow;
      const firstUnwritten = o.below - (o.seqTo - o.seqFrom) + o.frontier;
      head = head === null ? firstUnwritten : Math.min(head, firstUnwritten);
      negTail = negTail === null ? o.below - 1 : Math.max(negTail, o.below - 1);
    }
    return {
      head,
      negTail,
      posHead: positives.length === 0 ? null : Math.min(...positives),
    };
  }

  /** The opening as the settings repository loads it: null while no key is kept. */
  storedOpening(): StoredOpening | null {
    const o = this.openingRow;
    if (o.key === null) return null;
    return { key: o.key, seqFrom: o.seqFrom, seqTo: o.seqTo, below: o.below, frontier: o.frontier };
  }

  nextKey(): number {
    return this.nextId++;
  }

  /** Rolls back the tokens, the settings and the zone marks when the work throws. */
  readonly transactions = new FakeTransactionRunner(() => {
    const tokens = this.tokens.map((token) => ({ ...token }));
    const settings = { ...this.settings };
    const openingRow = { ...this.openingRow };
    const zone = this.zone.map((mark) => ({ ...mark }));
    return () => {
      this.tokens = tokens;
      this.settings = settings;
      this.openingRow = openingRow;
      this.zone = zone;
    };
  });
}
