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
import { TokenInvalidError } from '@app/queue/domain';
import { hasPerformanceStarted } from '@app/booking/domain/performance-started.rule';
import { liveHoldOf, SeatHoldState } from '@app/booking/domain/seat-hold';
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
      holder: { token: string; userId: string },
      now: Date,
      expiresAt: Date,
    ): Promise<HoldAttempt> {
      this.b.calls.push('attemptHold');
      const found = this.b.store.seats.get(id);
      if (!found) return { seat: null, holdsOfUser: [], won: null };
      const row = this.b.store.holds.get(id)!;
      // The seat row's flag, with the sale its book-info row records (the SQL's join).
      const seat = { ...found, bookSuccessAt: row.bookSuccessAt };
      const holdsOfUser = [...this.b.store.holds.values()]
        .filter((hold) => hold.userId === holder.userId && isLiveHold(hold, now))
        .map((hold) => liveHoldOf(hold, now)!);
      const allowed =
        !isSoldSeat(seat) &&
        !hasPerformanceStarted(seat.performanceDatetime, now) &&
        !holdsOfUser.some((hold) => hold.performanceSeatId !== id || hold.token !== holder.token);
      if (!allowed || row.bookSuccessAt !== null || isLiveHold(row, now)) {
        return { seat, holdsOfUser, won: null };
      }
      // The queue's check, inside the same statement: no port call of its own. When the token
      // is no longer active the statement rolls back whole: nothing below happens.
      const tokenExpiresAt = this.b.bookingTokens.active.get(holder.token);
      if (tokenExpiresAt === undefined || tokenExpiresAt <= now) throw new TokenInvalidError();
      // The user's lapsed hold on another seat is released: one unpaid hold per user.
      for (const other of this.b.store.holds.values()) {
        if (other.performanceSeatId !== id && other.userId === holder.userId) {
          if (isLapsedHold(other, now)) release(other);
        }
      }
      Object.assign(row, { ...holder, bookAttemptAt: now, expiresAt });
      this.b.store.logs.push({ performanceSeatId: id, ...holder, result: 'HELD', at: now });
      return {
        seat,
        holdsOfUser,
        won: { performanceSeatId: id, ...holder, bookAttemptAt: now, expiresAt },
      };
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

  /** The token table as the booking transaction sees it: IN_PROGRESS tokens and their expiry. */
  readonly bookingTokens = new (class extends BookingTokenRepository {
    active = new Map<string, Date>();

    constructor(private readonly b: InMemoryBooking) {
      super();
    }

    async lockIfActive(token: string, now: Date) {
      this.b.calls.push('lockIfActive');
      const expiresAt = this.active.get(token);
      return expiresAt !== undefined && expiresAt > now;
    }
  })(this);
}
