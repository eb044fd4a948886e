import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  NewQueueToken,
  PollSnapshot,
  QueueTokenRepository,
} from '../../../application/port/out/queue-token.repository';
import { LAST_SEEN_REFRESH_SECONDS } from '../../../domain/admission-policy';
import { QueueToken, TokenStatus } from '../../../domain/queue-token';
import { USER_TOKEN_LOCK_CLASS } from './queue-advisory-locks';

interface TokenRow {
  id: string;
  user_id: string;
  token: string;
  status: TokenStatus;
  created_at: Date;
  last_seen_at: Date;
  activated_at: Date | null;
  expires_at: Date | null;
}

interface SeatHoldRow {
  id: string;
  performance_seat_id: string;
  book_attempt_at: Date | null;
  book_success_at: Date | null;
  expires_at: Date | null;
}

const TOKEN_COLUMNS =
  'id, user_id, token, status, created_at, last_seen_at, activated_at, expires_at';

/**
 * The head of the line: min(id) over the partial index user_queue_tokens_waiting, one index
 * probe however long the line is (exported for the plan test).
 */
export const HEAD_OF_LINE_SQL = `SELECT min(id) AS head FROM user_queue_tokens WHERE status = 'IN_QUEUE'`;

/** A token's seat hold, through the partial index performance_seat_book_info_by_token. */
export const SEAT_HOLD_BY_TOKEN_SQL = `SELECT id, performance_seat_id, book_attempt_at, book_success_at, expires_at
   FROM performance_seat_book_info
  WHERE token = $1
  ORDER BY book_attempt_at DESC NULLS LAST, id DESC
  LIMIT 1`;

/** The head of the line, the observed rate and the token's hold: one statement per poll. */
export const POLL_SNAPSHOT_SQL = `SELECT (${HEAD_OF_LINE_SQL}) AS head,
       (SELECT observed_admissions_per_minute FROM queue_settings WHERE id = 1)
         AS observed_admissions_per_minute,
       hold.*
  FROM (SELECT 1) AS one
  LEFT JOIN LATERAL (${SEAT_HOLD_BY_TOKEN_SQL}) AS hold ON true`;

type Nullable<T> = { [K in keyof T]: T[K] | null };

/** No hold: the LATERAL join yields nulls. */
interface PollRow extends Nullable<SeatHoldRow> {
  head: string | null;
  observed_admissions_per_minute: number | null;
}

@Injectable()
export class TypeOrmQueueTokenRepository extends QueueTokenRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  /** Every guarded request starts here: plain SQL, no entity hydration. */
  async findByToken(token: string): Promise<QueueToken | null> {
    const [row] = await queryRows<TokenRow>(
      this.txHost.tx,
      `SELECT ${TOKEN_COLUMNS} FROM user_queue_tokens WHERE token = $1`,
      [token],
    );
    return row ? fromRow(row) : null;
  }

  async hasPayment(token: string): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      'SELECT 1 FROM payments WHERE token = $1 LIMIT 1',
      [token],
    );
    return rows.length > 0;
  }

  async lockUser(userId: string): Promise<void> {
    await this.txHost.tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [
      USER_TOKEN_LOCK_CLASS,
      userId,
    ]);
  }

  async expireOverdueOfUser(userId: string, now: Date): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2
        WHERE user_id = $1 AND status = 'IN_PROGRESS' AND expires_at <= $2`,
      [userId, now],
    );
  }

  async findLiveByUser(userId: string): Promise<QueueToken | null> {
    const [row] = await queryRows<TokenRow>(
      this.txHost.tx,
      `SELECT ${TOKEN_COLUMNS} FROM user_queue_tokens
        WHERE user_id = $1 AND status IN ('IN_QUEUE', 'IN_PROGRESS')`,
      [userId],
    );
    return row ? fromRow(row) : null;
  }

  async insertQueued(token: NewQueueToken): Promise<QueueToken | null> {
    // DO NOTHING: the partial unique index refuses a second live token of the user.
    const rows = await queryRows<TokenRow>(
      this.txHost.tx,
      `INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       VALUES ($1, $2, 'IN_QUEUE', $3, $3)
       ON CONFLICT DO NOTHING
       RETURNING ${TOKEN_COLUMNS}`,
      [token.userId, token.token, token.createdAt],
    );
    return rows.length === 0 ? null : fromRow(rows[0]);
  }

  async touch(id: number, now: Date): Promise<void> {
    const staleBefore = new Date(now.getTime() - LAST_SEEN_REFRESH_SECONDS * 1000);
    await this.txHost.tx.query(
      `UPDATE user_queue_tokens SET last_seen_at = $2
        WHERE id = $1 AND status IN ('IN_QUEUE', 'IN_PROGRESS') AND last_seen_at <= $3`,
      [id, now, staleBefore],
    );
  }

  async headOfLine(): Promise<number | null> {
    const [row] = await queryRows<{ head: string | null }>(this.txHost.tx, HEAD_OF_LINE_SQL);
    return row?.head == null ? null : Number(row.head);
  }

  async pollSnapshot(token: string): Promise<PollSnapshot> {
    const [row] = await queryRows<PollRow>(this.txHost.tx, POLL_SNAPSHOT_SQL, [token]);
    return {
      headOfLine: row.head === null ? null : Number(row.head),
      observedAdmissionsPerMinute: row.observed_admissions_per_minute,
      seatHold:
        row.id === null || row.performance_seat_id === null
          ? null
          : {
              id: Number(row.id),
              performanceSeatId: Number(row.performance_seat_id),
              bookAttemptAt: row.book_attempt_at,
              bookSuccessAt: row.book_success_at,
              expiresAt: row.expires_at,
            },
    };
  }
}

function fromRow(row: TokenRow): QueueToken {
  return {
    id: Number(row.id),
    token: row.token,
    userId: row.user_id,
    status: row.status,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    activatedAt: row.activated_at,
    expiresAt: row.expires_at,
  };
}
