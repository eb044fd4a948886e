import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ADVISORY_LOCKS } from '@app/database/advisory-locks';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  BookableSeat,
  SeatHoldRepository,
} from '../../../application/port/out/seat-hold.repository';
import { lapsedHoldSql, liveHoldSql } from '../../../domain/live-hold.rule';
import { SeatHold, SeatHoldState } from '../../../domain/seat-hold';

interface HoldRow {
  performance_seat_id: string;
  token: string;
  user_id: string;
  book_attempt_at: Date;
  expires_at: Date;
}

interface StateRow {
  performance_seat_id: string;
  token: string | null;
  user_id: string | null;
  book_attempt_at: Date | null;
  expires_at: Date | null;
  book_success_at: Date | null;
  booked: boolean;
}

function toHold(row: HoldRow): SeatHold {
  return {
    performanceSeatId: Number(row.performance_seat_id),
    token: row.token,
    userId: row.user_id,
    bookAttemptAt: row.book_attempt_at,
    expiresAt: row.expires_at,
  };
}

@Injectable()
export class TypeOrmSeatHoldRepository extends SeatHoldRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async findSeat(performanceSeatId: number): Promise<BookableSeat | null> {
    const rows = await queryRows<{
      id: string;
      booked: boolean;
      book_success_at: Date | null;
      performance_datetime: Date;
    }>(
      this.txHost.tx,
      `SELECT s.id, s.booked, i.book_success_at, p.performance_datetime
         FROM performance_seats s
         JOIN concert_performances p ON p.id = s.concert_performance_id
         LEFT JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
        WHERE s.id = $1`,
      [performanceSeatId],
    );
    if (rows.length === 0) return null;
    return {
      performanceSeatId: Number(rows[0].id),
      booked: rows[0].booked,
      bookSuccessAt: rows[0].book_success_at,
      performanceDatetime: rows[0].performance_datetime,
    };
  }

  async lockUser(userId: string): Promise<void> {
    // hashtext is 32-bit: two users may share a key, which only makes them take turns.
    await queryRows(this.txHost.tx, 'SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      ADVISORY_LOCKS.bookingUserClass,
      userId,
    ]);
  }

  async findLiveHoldsOfUser(userId: string, now: Date): Promise<SeatHold[]> {
    const rows = await queryRows<HoldRow>(
      this.txHost.tx,
      `SELECT performance_seat_id, token, user_id, book_attempt_at, expires_at
         FROM performance_seat_book_info
        WHERE user_id = $1 AND ${liveHoldSql('', '$2')}`,
      [userId, now],
    );
    return rows.map(toHold);
  }

  async tryHold(
    performanceSeatId: number,
    holder: { token: string; userId: string },
    now: Date,
    expiresAt: Date,
  ): Promise<SeatHold | null> {
    // Concurrent attempts queue on the row lock; each re-checks the WHERE on the row the
    // previous winner committed, so exactly one of them finds the seat free.
    const rows = await queryRows<HoldRow>(
      this.txHost.tx,
      `UPDATE performance_seat_book_info
          SET token = $2, user_id = $3, book_attempt_at = $4, expires_at = $5
        WHERE performance_seat_id = $1 AND book_success_at IS NULL
          AND NOT ${liveHoldSql('', '$4')}
       RETURNING performance_seat_id, token, user_id, book_attempt_at, expires_at`,
      [performanceSeatId, holder.token, holder.userId, now, expiresAt],
    );
    return rows.length === 0 ? null : toHold(rows[0]);
  }

  async findState(performanceSeatId: number): Promise<SeatHoldState | null> {
    const rows = await queryRows<StateRow>(
      this.txHost.tx,
      `SELECT i.performance_seat_id, i.token, i.user_id, i.book_attempt_at, i.expires_at,
              i.book_success_at, s.booked
         FROM performance_seat_book_info i
         JOIN performance_seats s ON s.id = i.performance_seat_id
        WHERE i.performance_seat_id = $1`,
      [performanceSeatId],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      performanceSeatId: Number(row.performance_seat_id),
      token: row.token,
      userId: row.user_id,
      bookAttemptAt: row.book_attempt_at,
      expiresAt: row.expires_at,
      bookSuccessAt: row.book_success_at,
      booked: row.booked,
    };
  }

  async releaseLapsed(now: Date, limit: number): Promise<number> {
    // SKIP LOCKED: rows a booking or another instance is on are left for the next run; the
    // outer re-check keeps a hold that a booking renewed meanwhile. ARRAY(...) runs the locking
    // subquery once: as `id IN (...)` the planner may re-run it per row (a semi-join), and each
    // re-run skips the rows this statement just cleared and locks more, past `limit`.
    const rows = await queryRows<{ id: string }>(
      this.txHost.tx,
      `UPDATE performance_seat_book_info
          SET token = NULL, user_id = NULL, book_attempt_at = NULL, expires_at = NULL
        WHERE id = ANY (ARRAY (
                SELECT id FROM performance_seat_book_info
                 WHERE ${lapsedHoldSql('', '$1')}
                 ORDER BY expires_at
                 LIMIT $2
                   FOR UPDATE SKIP LOCKED))
          AND ${lapsedHoldSql('', '$1')}
       RETURNING id`,
      [now, limit],
    );
    return rows.length;
  }
}
