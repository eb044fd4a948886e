import {
  BookAttempt,
  BookLogRepository,
} from '@app/booking/application/port/out/book-log.repository';
import { BookingTokenRepository } from '@app/booking/application/port/out/booking-token.repository';
import {
  BookableSeat,
  HoldAttempt,
  SeatHoldRepository,
} from '@app/booking/application/port/out/seat-hold.repository';
import { isLapsedHold, isLiveHold } from '@app/booking/domain/live-hold.rule';
import { isActive, TokenInvalidError, TokenStanding } from '@app/queue/domain';
import { hasPerformanceStarted } from '@app/booking/domain/performance-started.rule';
import { holdExpiry, liveHoldOf, SeatHoldState } from '@app/booking/domain/seat-hold';
import { isSoldSeat } from '@app/booking/domain/sold-seat.rule';
import { FakeTransactionRunner } from './fake-transaction-runner';

export interface BookingStore {
  seats: Map<number, BookableSeat>;
  /** The seats' book-info rows, by seat id. */
  holds: Map<number, SeatHoldState>;
  logs: BookAttempt[];
}

export const emptyHold = (performanceSeatId: number): SeatHoldState => ({
  performanceSeatId,
  token: null,
  userId: null,
  bookAttemptAt: null,
  expiresAt: null,
  bookSuccessAt: null,
  booked: false,
});

/** A hold released, as the SQL clears it: no holder; the sale columns stay. */
function release(row: SeatHoldState): void {
  Object.assign(row, { token: null, userId: null, bookAttemptAt: null, expiresAt: null });
}

/**
 * Booking's out-ports over maps: each method mirrors the SQL of its TypeORM adapter (the
 * contract tests in test/contract hold both to the same cases). `calls` records the order of
 * the port calls; the transaction runner restores the holds and the log when the work throws.
 */
export class InMemoryBooking {
  store: BookingStore = { seats: new Map(), holds: new Map(), logs: [] };
  calls: string[] = [];

  addSeat(
    performanceSeatId: number,
    seat: { booked?: boolean; performanceDatetime: Date },
    hold: Partial<SeatHoldState> = {},
  ): void {
    this.store.seats.set(performanceSeatId, {
      performanceSeatId,
      booked: seat.booked ?? false,
      bookSuccessAt: hold.bookSuccessAt ?? null,
      performanceDatetime: seat.performanceDatetime,
    });
    this.store.holds.set(performanceSeatId, {
      ...emptyHold(performanceSeatId),
      booked: seat.booked ?? false,
      ...hold,
    });
  }

  readonly transactions = new FakeTransactionRunner(() => {
    const holds = new Map([...this.store.holds].map(([id, row]) => [id, { ...row }]));
    const logs = [...this.store.logs];
    return () => {
      this.store.holds = holds;
      this.store.logs = logs;
    };
  });

  readonly seatHolds = new (class extends SeatHoldRepository {
    constructor(private readonly b: InMemoryBooking) {
      super();
    }

    async attemptHold(
      id: number,
      token: string,
      now: Date,
      holdTtlSeconds: number,
    ): Promise<HoldAttempt> {
      this.b.calls.push('attemptHold');
      // The token's row as committed, read first (the SQL's `tok`).
      const standing = this.b.bookingTokens.standings.get(token);
      const holder: TokenStanding | null = standing ? { ...standing } : null;
      const found = this.b.store.seats.get(id);
      if (!found) {
        return { holder, userHeldElsewhere: false, seat: null, holdsOfUser: [], won: null };
      }
      const row = this.b.store.holds.get(id)!;
      // The seat row's flag, with the sale its book-info row records (the SQL's join).
      const seat = { ...found, bookSuccessAt: row.bookSuccessAt };
      const userId = holder?.userId;
      const holdsOfUser = [...this.b.store.holds.values()]
        .filter((hold) => userId !== undefined && hold.userId === userId && isLiveHold(hold, now))
        .map((hold) => liveHoldOf(hold, now)!);
      const unchanged = { holder, userHeldElsewhere: false, seat, holdsOfUser, won: null };
      const allowed =
        holder !== null &&
        isActive(holder, now) &&
        !isSoldSeat(seat) &&
        !hasPerformanceStarted(seat.performanceDatetime, now) &&
        !holdsOfUser.some((hold) => hold.performanceSeatId !== id || hold.token !== token);
      if (!allowed || row.bookSuccessAt !== null || isLiveHold(row, now)) return unchanged;
      // The queue's check under its share lock, inside the same statement: when the token is no
      // longer active (a payment expired it since `tok` read it) the statement rolls back whole.
      if (!this.b.bookingTokens.isActive(token, now)) throw new TokenInvalidError();
      // The user's lapsed hold on another seat is released: one unpaid hold per user.
      for (const other of this.b.store.holds.values()) {
        if (other.performanceSeatId !== id && other.userId === holder.userId) {
          if (isLapsedHold(other, now)) release(other);
        }
      }
      const expiresAt = holdExpiry(now, holdTtlSeconds, holder.expiresAt as Date);
      const won = {
        performanceSeatId: id,
        token,
        userId: holder.userId,
        bookAttemptAt: now,
        expiresAt,
      };
      Object.assign(row, { token, userId: holder.userId, bookAttemptAt: now, expiresAt });
      this.b.store.logs.push({
        performanceSeatId: id,
        token,
        userId: holder.userId,
        result: 'HELD',
        at: now,
      });
      return { ...unchanged, won };
    }

    async findState(id: number) {
      this.b.calls.push('findState');
      const row = this.b.store.holds.get(id);
      return row ? { ...row } : null;
    }

    async releaseLapsed(now: Date, limit: number): Promise<number> {
      this.b.calls.push('releaseLapsed');
      const lapsed = [...this.b.store.holds.values()]
        .filter((row) => isLapsedHold(row, now))
        .sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime())
        .slice(0, limit);
      lapsed.forEach(release);
      return lapsed.length;
    }
  })(this);

  readonly bookLogs = new (class extends BookLogRepository {
    constructor(private readonly b: InMemoryBooking) {
      super();
    }

    async append(attempt: BookAttempt) {
      this.b.store.logs.push({ ...attempt });
    }
  })(this);

  /**
   * The token table as the booking sees it: each token's user, status and expiry, by token
   * (the queue's rows; a payment's expiry changes `status` to EXPIRED).
   */
  readonly bookingTokens = new (class extends BookingTokenRepository {
    standings = new Map<string, TokenStanding>();

    constructor(private readonly b: InMemoryBooking) {
      super();
    }

    /** An IN_PROGRESS token of `userId`, until `expiresAt`. */
    admit(token: string, userId: string, expiresAt: Date): void {
      this.standings.set(token, { userId, status: 'IN_PROGRESS', expiresAt });
    }

    isActive(token: string, now: Date): boolean {
      const standing = this.standings.get(token);
      return standing !== undefined && isActive(standing, now);
    }

    async lockIfActive(token: string, now: Date) {
      this.b.calls.push('lockIfActive');
      return this.isActive(token, now);
    }
  })(this);
}
