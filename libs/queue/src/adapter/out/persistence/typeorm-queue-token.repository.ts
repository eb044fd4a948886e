import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In } from 'typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  NewQueueToken,
  QueueTokenRepository,
  TokenSeatHold,
} from '../../../application/port/out/queue-token.repository';
import { LAST_SEEN_REFRESH_SECONDS } from '../../../domain/admission-policy';
import { QueueToken, TokenStatus } from '../../../domain/queue-token';
import { USER_TOKEN_LOCK_CLASS } from './queue-advisory-locks';
import { QueueTokenEntity } from './queue-token.entity';

export function toQueueToken(entity: QueueTokenEntity): QueueToken {
  return {
    id: Number(entity.id),
    token: entity.token,
    userId: entity.userId,
    status: entity.status,
    createdAt: entity.createdAt,
    lastSeenAt: entity.lastSeenAt,
    activatedAt: entity.activatedAt,
    expiresAt: entity.expiresAt,
  };
}

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

const LIVE: TokenStatus[] = ['IN_QUEUE', 'IN_PROGRESS'];

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

@Injectable()
export class TypeOrmQueueTokenRepository extends QueueTokenRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async findByToken(token: string): Promise<QueueToken | null> {
    const entity = await this.txHost.tx.findOneBy(QueueTokenEntity, { token });
    return entity ? toQueueToken(entity) : null;
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
    const entity = await this.txHost.tx.findOneBy(QueueTokenEntity, {
      userId,
      status: In(LIVE),
    });
    return entity ? toQueueToken(entity) : null;
  }

  async insertQueued(token: NewQueueToken): Promise<QueueToken | null> {
    // DO NOTHING: the partial unique index refuses a second live token of the user.
    const rows = await queryRows<TokenRow>(
      this.txHost.tx,
      `INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       VALUES ($1, $2, 'IN_QUEUE', $3, $3)
       ON CONFLICT DO NOTHING
       RETURNING id, user_id, token, status, created_at, last_seen_at, activated_at, expires_at`,
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

  async findSeatHold(token: string): Promise<TokenSeatHold | null> {
    const [row] = await queryRows<SeatHoldRow>(this.txHost.tx, SEAT_HOLD_BY_TOKEN_SQL, [token]);
    return row
      ? {
          id: Number(row.id),
          performanceSeatId: Number(row.performance_seat_id),
          bookAttemptAt: row.book_attempt_at,
          bookSuccessAt: row.book_success_at,
          expiresAt: row.expires_at,
        }
      : null;
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
