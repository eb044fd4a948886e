import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  QueueLineRepository,
  WaitingToken,
} from '../../../application/port/out/queue-line.repository';
import { ADMISSION_LOCK } from './queue-advisory-locks';

@Injectable()
export class TypeOrmQueueLineRepository extends QueueLineRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async tryLockAdmission(): Promise<boolean> {
    const [row] = await queryRows<{ locked: boolean }>(
      this.txHost.tx,
      'SELECT pg_try_advisory_xact_lock($1::int, $2::int) AS locked',
      [ADMISSION_LOCK.classId, ADMISSION_LOCK.objectId],
    );
    return row.locked;
  }

  async expireOverdue(now: Date): Promise<number> {
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $1
        WHERE status = 'IN_PROGRESS' AND expires_at <= $1
        RETURNING id`,
      [now],
    );
    return rows.length;
  }

  async countActive(now: Date): Promise<number> {
    return this.count(
      `SELECT count(*)::int AS count FROM user_queue_tokens
        WHERE status = 'IN_PROGRESS' AND expires_at > $1`,
      [now],
    );
  }

  async countAdmittedSince(since: Date): Promise<number> {
    return this.count(
      'SELECT count(*)::int AS count FROM user_queue_tokens WHERE activated_at > $1',
      [since],
    );
  }

  async countWaiting(): Promise<number> {
    return this.count(
      `SELECT count(*)::int AS count FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
    );
  }

  async lockHeadOfLine(limit: number): Promise<WaitingToken[]> {
    const rows = await queryRows<{ id: string; last_seen_at: Date }>(
      this.txHost.tx,
      `SELECT id, last_seen_at FROM user_queue_tokens
        WHERE status = 'IN_QUEUE'
        ORDER BY id
        LIMIT $1
        FOR UPDATE`,
      [limit],
    );
    return rows.map((row) => ({ id: Number(row.id), lastSeenAt: row.last_seen_at }));
  }

  async expireWaiting(ids: number[], now: Date): Promise<number> {
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2
        WHERE id = ANY($1::bigint[]) AND status = 'IN_QUEUE'
        RETURNING id`,
      [ids, now],
    );
    return rows.length;
  }

  async admit(ids: number[], now: Date, expiresAt: Date): Promise<number> {
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET status = 'IN_PROGRESS', activated_at = $2, expires_at = $3
        WHERE id = ANY($1::bigint[]) AND status = 'IN_QUEUE'
        RETURNING id`,
      [ids, now, expiresAt],
    );
    return rows.length;
  }

  private async count(sql: string, parameters: unknown[] = []): Promise<number> {
    const [row] = await queryRows<{ count: number }>(this.txHost.tx, sql, parameters);
    return row.count;
  }
}
