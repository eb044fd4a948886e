import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@app/common/application/transaction-runner';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import {
  isBookingRefusal,
  PerformanceSeatNotFoundError,
  PerformanceStartedError,
  SeatAlreadyBookedError,
  SeatHeldByOtherError,
  UserHasReservationError,
} from '../domain/booking-errors';
import { refuseUnlessActive, TokenInvalidError } from '@app/queue/domain';
import { liveHoldOf, SeatHold } from '../domain/seat-hold';
import { hasPerformanceStarted } from '../domain/performance-started.rule';
import { isSoldSeat } from '../domain/sold-seat.rule';
import { BookLogRepository } from './port/out/book-log.repository';
import { BookingTokenRepository } from './port/out/booking-token.repository';
import { HoldAttempt, SeatHoldRepository } from './port/out/seat-hold.repository';

/** Who is booking: the queue token the request carried, and its user. */
export interface SeatHolder {
  token: string;
  userId: string;
}

/**
 * Holds a seat for a queue token for SEAT_HOLD_TTL_SECONDS, but never past the token's own
 * expiry. Every check that matters is settled by the database in one statement, committed on
 * its own, the request's only round trip (`attemptHold`): the token's standing (the route's
 * guard only checked that a token came: ACTIVE_AT_WRITE), one conditional UPDATE on the seat's
 * book-info row (one hold per seat), the unique index of a user's unpaid hold (one hold per
 * user), a share lock on the token's row (a hold is only created by a token still active when
 * it commits) and the log. A won hold costs that one statement; a repeat or a lost race reads
 * on, in a transaction.
 */
@Injectable()
export class BookSeatUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly holds: SeatHoldRepository,
    private readonly logs: BookLogRepository,
    private readonly tokens: BookingTokenRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * `token`: as presented, well-formed but not yet checked. An unknown or inactive token is
   * refused as the guard refuses it (401, 403 while still in queue), before any answer about
   * the seat, and is not logged.
   */
  async execute(performanceSeatId: number, token: string): Promise<SeatHold> {
    const now = this.clock.now();
    const attempt = await this.holds.attemptHold(
      performanceSeatId,
      token,
      now,
      this.config.seatHoldTtlSeconds,
    );
    // The guard's answers, from the token as the statement read it: nothing was taken unless
    // it was active.
    refuseUnlessActive(attempt.holder, now);
    const holder = { token, userId: attempt.holder.userId };
    try {
      return await this.hold(performanceSeatId, holder, attempt, now);
    } catch (error) {
      if (!isBookingRefusal(error)) throw error;
      // Nothing of the attempt was written; the refusal is still recorded, on its own.
      await this.logs.append({ performanceSeatId, ...holder, result: error.result, at: now });
      throw error;
    }
  }

  private async hold(
    seatId: number,
    holder: SeatHolder,
    attempt: HoldAttempt,
    now: Date,
  ): Promise<SeatHold> {
    // Another hold of the user committed while the statement ran (the seat allowed this one).
    if (attempt.userHeldElsewhere) throw new UserHasReservationError();
    const { seat } = attempt;
    // Not logged: the log's foreign key needs an existing seat.
    if (!seat) throw new PerformanceSeatNotFoundError();
    if (isSoldSeat(seat)) throw new SeatAlreadyBookedError();
    if (hasPerformanceStarted(seat.performanceDatetime, now)) throw new PerformanceStartedError();
    // Only this very hold (same seat, same token) may exist; anything else is another one,
    // including a hold of this seat by an older token of the same user.
    if (
      attempt.holdsOfUser.some(
        (hold) => hold.performanceSeatId !== seatId || hold.token !== holder.token,
      )
    ) {
      throw new UserHasReservationError();
    }
    // Committed, with its HELD log row.
    if (attempt.won) return attempt.won;
    return this.transactions.run(() => this.repeatOrLost(seatId, holder, now));
  }

  /** The seat was not free for this token: the same hold again, or the seat is taken. */
  private async repeatOrLost(seatId: number, holder: SeatHolder, now: Date): Promise<SeatHold> {
    const state = await this.holds.findState(seatId);
    if (state && isSoldSeat(state)) throw new SeatAlreadyBookedError();
    const live = state ? liveHoldOf(state, now) : null;
    if (live && live.token === holder.token) {
      // A repeat: the same hold, neither renewed nor extended.
      await this.assertTokenActive(holder.token, now);
      await this.logs.append({
        performanceSeatId: seatId,
        ...holder,
        result: 'ALREADY_HELD',
        at: now,
      });
      return live;
    }
    throw new SeatHeldByOtherError();
  }

  /**
   * The hold statement read the token active; a payment by the same token may have expired it
   * since. Re-checked under a share lock on the token's row, taken after the seat's
   * row lock (the payment's order: book-info row, then token row), so that the payment either
   * commits before this check (401) or waits for the booking to commit.
   */
  private async assertTokenActive(token: string, now: Date): Promise<void> {
    if (!(await this.tokens.lockIfActive(token, now))) throw new TokenInvalidError();
  }
}
