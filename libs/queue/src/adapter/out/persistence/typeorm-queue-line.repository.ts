import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ADVISORY_LOCKS } from '@app/database/advisory-locks';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  ActiveLoad,
  QueueLineRepository,
  WaitingToken,
} from '../../../application/port/out/queue-line.repository';
import { activeTokenSql, overdueTokenSql } from '../../../domain/active-token.rule';
import { ZoneMark } from '../../../domain/waiting-line';
import { HEAD_OF_LINE_SQL } from './typeorm-queue-token.repository';

/**
 * The opening's shuffle, in one statement. gen_random_uuid() draws from PostgreSQL's strong
 * random source: a uniformly random order, owing nothing to arrival. The block of keys ends
 * just before any key waiting already. Where its time goes (EXPLAIN ANALYZE on a million
 * pre-queued tokens): nearly all of it is the UPDATE itself, a new row version and an entry
 * in each of the four indexes that hold a waiting token (primary key, token, one live token
 * per user, the line) per row; so the rows are rewritten in id order (the order they lie in
 * the table and the primary key), not in the random order, which made every row a random
 * page access and, with the table larger than shared_buffers, reread most pages from disk;
 * the places come in one pass (row_number and count over one sort), and the million updated
 * ids are counted in the server instead of sent to the app. Exported for the tests.
 */
export const SHUFFLE_PREQUEUE_SQL = `WITH pre AS MATERIALIZED (
       SELECT id, row_number() OVER (ORDER BY gen_random_uuid()) AS place,
              count(*) OVER () AS total
         FROM user_queue_tokens
        WHERE status = 'IN_QUEUE' AND line_key IS NULL
     ), base AS (
       SELECT LEAST(0, COALESCE((SELECT min(line_key) FROM user_queue_tokens
                                  WHERE status = 'IN_QUEUE' AND line_key < 0), 0)) AS below
     ), moved AS (
       UPDATE user_queue_tokens t SET line_key = base.below - pre.total + pre.place - 1
         FROM (SELECT id, place, total FROM pre ORDER BY id) AS pre, base
        WHERE t.id = pre.id
       RETURNING 1
     )
     SELECT count(*)::int AS count FROM moved`;

@Injectable()
export class TypeOrmQueueLineRepository extends QueueLineRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async tryLockAdmission(): Promise<boolean> {
    const [row] = await queryRows<{ locked: boolean }>(
      this.txHost.tx,
      'SELECT pg_try_advisory_xact_lock($1::int, $2::int) AS locked',
      [ADVISORY_LOCKS.queueAdmission.classId, ADVISORY_LOCKS.queueAdmission.objectId],
    );
    return row.locked;
  }

  async expireOverdue(now: Date, limit: number): Promise<number> {
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $1
        WHERE id IN (SELECT id FROM user_queue_tokens
                      WHERE ${overdueTokenSql('', '$1')}
                      ORDER BY expires_at
                      LIMIT $2)
        RETURNING id`,
      [now, limit],
    );
    return rows.length;
  }

  async countActive(now: Date): Promise<number> {
    return this.count(
      `SELECT count(*)::int AS count FROM user_queue_tokens WHERE ${activeTokenSql('', '$1')}`,
      [now],
    );
  }

  async activeLoad(now: Date): Promise<ActiveLoad> {
    const [row] = await queryRows<{ count: number; remaining: number }>(
      this.txHost.tx,
      `SELECT count(*)::int AS count,
              coalesce(sum(extract(epoch FROM expires_at - $1)), 0)::float8 AS remaining
         FROM user_queue_tokens WHERE ${activeTokenSql('', '$1')}`,
      [now],
    );
    return { count: row.count, remainingSeconds: row.remaining };
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

  async headOfLine(): Promise<number | null> {
    const [row] = await queryRows<{ head: string | null }>(this.txHost.tx, HEAD_OF_LINE_SQL);
    return row?.head == null ? null : Number(row.head);
  }

  async lockHeadOfLine(limit: number): Promise<WaitingToken[]> {
    const rows = await queryRows<{
      id: string;
      line_key: string;
      created_at: Date;
      last_seen_at: Date;
    }>(
      this.txHost.tx,
      `SELECT id, line_key, created_at, last_seen_at FROM user_queue_tokens
        WHERE status = 'IN_QUEUE' AND line_key IS NOT NULL
        ORDER BY line_key
        LIMIT $1
        FOR UPDATE`,
      [limit],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      lineKey: Number(row.line_key),
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
    }));
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

  async countPrequeue(): Promise<number> {
    return this.count(
      `SELECT count(*)::int AS count FROM user_queue_tokens
        WHERE status = 'IN_QUEUE' AND line_key IS NULL`,
    );
  }

  async moveWaitingToPrequeue(): Promise<number> {
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET line_key = NULL
        WHERE status = 'IN_QUEUE' AND line_key IS NOT NULL
        RETURNING id`,
    );
    return rows.length;
  }

  async shufflePrequeue(): Promise<number> {
    // A million rows may take longer than the pool's statement timeout: this one may. Its
    // sorts and hash stay in memory (a million rows need about 64 MB each) instead of
    // spilling to temporary files.
    await queryRows(this.txHost.tx, "SET LOCAL statement_timeout = '5min'");
    await queryRows(this.txHost.tx, "SET LOCAL work_mem = '128MB'");
    const [row] = await queryRows<{ count: number }>(this.txHost.tx, SHUFFLE_PREQUEUE_SQL);
    await queryRows(this.txHost.tx, 'SET LOCAL work_mem = DEFAULT');
    await queryRows(this.txHost.tx, 'SET LOCAL statement_timeout = DEFAULT');
    return row.count;
  }

  async placeLatePrequeue(): Promise<number> {
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens t SET line_key = nextval('user_queue_tokens_line_key_seq')
         FROM (SELECT id FROM user_queue_tokens
                WHERE status = 'IN_QUEUE' AND line_key IS NULL
                ORDER BY id) AS late
        WHERE t.id = late.id
       RETURNING t.id`,
    );
    return rows.length;
  }

  async clearZone(): Promise<void> {
    await queryRows(this.txHost.tx, 'DELETE FROM queue_zone_marks');
  }

  async zoneMarks(): Promise<ZoneMark[]> {
    const rows = await queryRows<{ at: Date; zone_key: string }>(
      this.txHost.tx,
      'SELECT at, zone_key FROM queue_zone_marks ORDER BY at',
    );
    return rows.map((row) => ({ at: row.at, key: Number(row.zone_key) }));
  }

  async markZone(at: Date, key: number): Promise<void> {
    await queryRows(
      this.txHost.tx,
      `INSERT INTO queue_zone_marks (at, zone_key) VALUES ($1, $2)
       ON CONFLICT (at) DO UPDATE SET zone_key = GREATEST(queue_zone_marks.zone_key, EXCLUDED.zone_key)`,
      [at, key],
    );
  }

  async dropZoneMarksBelow(head: number): Promise<void> {
    await queryRows(this.txHost.tx, 'DELETE FROM queue_zone_marks WHERE zone_key < $1', [head]);
  }

  private async count(sql: string, parameters: unknown[] = []): Promise<number> {
    const [row] = await queryRows<{ count: number }>(this.txHost.tx, sql, parameters);
    return row.count;
  }
}
