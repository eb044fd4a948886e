import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryPrepared, queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  failStatementWhenSql,
  isStatementFailure,
  violatedUniqueConstraint,
} from '@app/common/adapter/persistence/statement-failure';
import { activeTokenShareLockSql, tokenStandingSql } from '@app/queue';
import { activeTokenSql, TokenInvalidError, TokenStanding, TokenStatus } from '@app/queue/domain';
import {
  HoldAttempt,
  SeatHoldRepository,
} from '../../../application/port/out/seat-hold.repository';
import { lapsedHoldSql, liveHoldSql } from '../../../domain/live-hold.rule';
import { performanceStartedSql } from '../../../domain/performance-started.rule';
import { soldSeatSql } from '../../../domain/sold-seat.rule';
import { holdExpirySql, SeatHold, SeatHoldState } from '../../../domain/seat-hold';

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

interface StandingRow {
  user_id: string;
  status: TokenStatus;
  expires_at: Date | null;
}

interface AttemptRow {
  holder_user_id: string | null;
  holder_status: TokenStatus | null;
  holder_expires_at: Date | null;
  seat_id: string | null;
  booked: boolean | null;
  book_success_at: Date | null;
  performance_datetime: Date | null;
  /** json: timestamps as text. */
  holds_of_user: (Omit<HoldRow, 'book_attempt_at' | 'expires_at'> & {
    book_attempt_at: string;
    expires_at: string;
  })[];
  held_seat_id: string | null;
  held_token: string | null;
  held_user_id: string | null;
  held_attempt_at: Date | null;
  held_expires_at: Date | null;
}

/** ATTEMPT_HOLD_SQL's failure (failStatementWhenSql) when it must roll itself back. */
const TOKEN_NOT_ACTIVE = 'hold rolled back: token no longer active';

/** The unique index that keeps a user to one unpaid hold (migration HoldIndexes). */
const ONE_OPEN_HOLD_PER_USER = 'performance_seat_book_info_one_open_per_user';

/**
 * A booking in one statement, its own transaction, the request's only round trip (exported for
 * the plan test): $1 seat, $2 token, $3 the hold's TTL in seconds, $4 now.
 * - `tok`: the token's standing, the queue's row as last committed (its user, status, expiry);
 *   nothing below is written unless it is active (`allowed`), and the caller answers 401/403
 *   from it first;
 * - `seat`: the seat, whether it is sold, whether its performance has started;
 * - `own`: the user's live holds, among the user's unpaid rows (`of_user`: the unique index of
 *   the user's open row, the only one its WHERE can use);
 * - `allowed`: one row when the token is active and the seat rules and the user's holds allow
 *   a new hold;
 * - `freed`: the user's lapsed hold on another seat, released, so that the new hold can be the
 *   user's one open row;
 * - `held`: the hold, one conditional UPDATE of the seat's book-info row, after `freed`, until
 *   `holdExpiry` (the TTL, never past the token's expiry). Concurrent attempts on the seat
 *   queue on the row lock; each re-checks the WHERE on the row the previous winner committed,
 *   so exactly one finds the seat free. Concurrent attempts of one user on different seats
 *   meet in the unique index of the user's open row: the later one waits for the earlier to
 *   commit, then fails (23505), and nothing of it is written;
 * - `active`: the queue's share-locked check of the token, gated on `held` (an InitPlan run
 *   before the token's row is read again), so the seat's row is locked before the token's:
 *   the payment's order. `tok` read the token without a lock; this re-reads it locked, and
 *   waits for a payment that expires it;
 * - `logged`: the HELD attempt, only when the token is still active; when it is not, the
 *   final cast fails and the statement rolls back whole (nothing held, nothing logged, like
 *   the guard's 401).
 */
export const ATTEMPT_HOLD_SQL = `WITH tok AS MATERIALIZED (
       ${tokenStandingSql('$2')}
     ), seat AS (
       SELECT s.id, s.booked, i.book_success_at, p.performance_datetime,
              ${soldSeatSql('s', 'i')} AS sold,
              ${performanceStartedSql('p.performance_datetime', '$4')} AS started
         FROM performance_seats s
         JOIN concert_performances p ON p.id = s.concert_performance_id
         LEFT JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
        WHERE s.id = $1
     ), of_user AS MATERIALIZED (
       SELECT performance_seat_id, token, user_id, book_attempt_at, expires_at, book_success_at
         FROM performance_seat_book_info
        WHERE user_id = (SELECT user_id FROM tok) AND book_success_at IS NULL
     ), own AS (
       SELECT performance_seat_id, token, user_id, book_attempt_at, expires_at
         FROM of_user
        WHERE ${liveHoldSql('of_user', '$4')}
     ), allowed AS (
       SELECT 1 FROM seat, tok
        WHERE ${activeTokenSql('tok', '$4')}
          AND NOT seat.sold AND NOT seat.started
          AND NOT EXISTS (SELECT 1 FROM own WHERE own.performance_seat_id <> $1 OR own.token <> $2)
     ), freed AS (
       UPDATE performance_seat_book_info
          SET token = NULL, user_id = NULL, book_attempt_at = NULL, expires_at = NULL
        WHERE user_id = (SELECT user_id FROM tok) AND performance_seat_id <> $1
          AND ${lapsedHoldSql('', '$4')}
          AND EXISTS (SELECT 1 FROM allowed)
       RETURNING 1
     ), held AS (
       UPDATE performance_seat_book_info i
          SET token = $2, user_id = tok.user_id, book_attempt_at = $4,
              expires_at = ${holdExpirySql('$4', '$3::int', 'tok.expires_at')}
         FROM tok
        WHERE i.performance_seat_id = $1 AND i.book_success_at IS NULL
          AND NOT ${liveHoldSql('i', '$4')}
          AND EXISTS (SELECT 1 FROM allowed)
          AND (SELECT count(*) FROM freed) >= 0
       RETURNING i.performance_seat_id, i.token, i.user_id, i.book_attempt_at, i.expires_at
     ), active AS (
       ${activeTokenShareLockSql('$2', '$4', 'EXISTS (SELECT 1 FROM held)')}
     ), logged AS (
       INSERT INTO performance_seat_book_logs
         (performance_seat_id, token, user_id, result, created_at, updated_at)
       SELECT held.performance_seat_id, held.token, held.user_id, 'HELD', $4, $4
         FROM held, active
     )
     SELECT tok.user_id AS holder_user_id, tok.status AS holder_status,
            tok.expires_at AS holder_expires_at,
            seat.id AS seat_id, seat.booked, seat.book_success_at, seat.performance_datetime,
            (SELECT coalesce(json_agg(own), '[]') FROM own) AS holds_of_user,
            held.performance_seat_id AS held_seat_id, held.token AS held_token,
            held.user_id AS held_user_id, held.book_attempt_at AS held_attempt_at,
            held.expires_at AS held_expires_at,
            ${failStatementWhenSql(
              'held.performance_seat_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM active)',
              `'${TOKEN_NOT_ACTIVE}'`,
            )} AS rolled_back
       FROM (SELECT 1) AS one
       LEFT JOIN tok ON true
       LEFT JOIN seat ON true
       LEFT JOIN held ON true`;

/** The token's standing alone: after the unique index refused a hold (rare), for its log. */
const TOKEN_STANDING_SQL = tokenStandingSql('$1');

function toStanding(row: StandingRow): TokenStanding {
  return { userId: row.user_id, status: row.status, expiresAt: row.expires_at };
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

  async attemptHold(
    performanceSeatId: number,
    token: string,
    now: Date,
    holdTtlSeconds: number,
  ): Promise<HoldAttempt> {
    let row: AttemptRow;
    try {
      // Prepared: parsing and planning this statement cost PostgreSQL more than running it.
      [row] = await queryPrepared<AttemptRow>(this.txHost.tx, 'attempt_hold', ATTEMPT_HOLD_SQL, [
        performanceSeatId,
        token,
        holdTtlSeconds,
        now,
      ]);
    } catch (error) {
      // Another hold of the user committed while this statement ran: nothing was written.
      if (violatedUniqueConstraint(error) === ONE_OPEN_HOLD_PER_USER) {
        const [standing] = await queryRows<StandingRow>(this.txHost.tx, TOKEN_STANDING_SQL, [
          token,
        ]);
        return {
          holder: standing ? toStanding(standing) : null,
          userHeldElsewhere: true,
          seat: null,
          holdsOfUser: [],
          won: null,
        };
      }
      if (isStatementFailure(error, TOKEN_NOT_ACTIVE)) throw new TokenInvalidError();
      throw error;
    }
    const holder =
      row.holder_user_id === null
        ? null
        : toStanding({
            user_id: row.holder_user_id,
            status: row.holder_status as TokenStatus,
            expires_at: row.holder_expires_at,
          });
    if (row.seat_id === null) {
      return { holder, userHeldElsewhere: false, seat: null, holdsOfUser: [], won: null };
    }
    return {
      holder,
      userHeldElsewhere: false,
      seat: {
        performanceSeatId: Number(row.seat_id),
        booked: row.booked as boolean,
        bookSuccessAt: row.book_success_at,
        performanceDatetime: row.performance_datetime as Date,
      },
      holdsOfUser: row.holds_of_user.map((hold) =>
        toHold({
          ...hold,
          book_attempt_at: new Date(hold.book_attempt_at),
          expires_at: new Date(hold.expires_at),
        }),
      ),
      won:
        row.held_seat_id === null
          ? null
          : toHold({
              performance_seat_id: row.held_seat_id,
              token: row.held_token as string,
              user_id: row.held_user_id as string,
              book_attempt_at: row.held_attempt_at as Date,
              expires_at: row.held_expires_at as Date,
            }),
    };
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
