import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ADVISORY_LOCKS } from '@app/database/advisory-locks';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  ActiveLoad,
  PrequeuePlace,
  QueueLineRepository,
  WaitingToken,
} from '../../../application/port/out/queue-line.repository';
import { activeTokenSql, overdueTokenSql } from '../../../domain/active-token.rule';
import { ZoneMark } from '../../../domain/waiting-line';
import { HEAD_OF_LINE_SQL } from './typeorm-queue-token.repository';

/**
 * The next arrival number the pre-queue's sequence gives: the opening's range ends there.
 * Read outside transactions (a sequence is), so it counts every number handed out so far.
 */
export const PREQUEUE_END_SQL = `SELECT (CASE WHEN is_called THEN last_value + 1 ELSE last_value END)::text AS "end"
  FROM user_queue_tokens_prequeue_seq`;

/** Whether an opening's keys are still being written (its unwritten places are in line). */
const WRITING = 'opening_key IS NOT NULL AND opening_frontier < opening_seq_to - opening_seq_from';

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
    // The opening's unwritten places are in line already: only the rest waits for a place.
    return this.count(
      `WITH s AS (
         SELECT CASE WHEN ${WRITING} THEN opening_seq_from ELSE 0 END AS lo,
                CASE WHEN ${WRITING} THEN opening_seq_to ELSE 0 END AS hi
           FROM queue_settings WHERE id = 1
       )
       SELECT count(*)::int AS count FROM user_queue_tokens t, s
        WHERE t.status = 'IN_QUEUE' AND t.line_key IS NULL
          AND (t.prequeue_seq IS NULL OR t.prequeue_seq < s.lo OR t.prequeue_seq >= s.hi)`,
    );
  }

  async moveWaitingToPrequeue(): Promise<number> {
    // Every waiting token but those already waiting for the next opening gets a new arrival
    // number in its range (the placed ones, and the unwritten rest of an earlier opening).
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens t
          SET line_key = NULL, prequeue_seq = nextval('user_queue_tokens_prequeue_seq')
         FROM (SELECT id FROM user_queue_tokens
                WHERE status = 'IN_QUEUE'
                  AND (line_key IS NOT NULL OR prequeue_seq IS NULL
                       OR prequeue_seq < (SELECT opening_seq_to FROM queue_settings WHERE id = 1))
                ORDER BY line_key NULLS LAST, prequeue_seq, id) AS moving
        WHERE t.id = moving.id
       RETURNING t.id`,
    );
    return rows.length;
  }

  async lockPrequeueJoins(): Promise<void> {
    // SHARE waits for every transaction writing tokens (a join holds its lock until it
    // commits) and holds new writers until this one commits. Bounded: a tick that cannot
    // have it soon fails and the next one tries again.
    await queryRows(this.txHost.tx, "SET LOCAL lock_timeout = '5s'");
    await queryRows(this.txHost.tx, 'LOCK TABLE user_queue_tokens IN SHARE MODE');
    await queryRows(this.txHost.tx, 'SET LOCAL lock_timeout = DEFAULT');
  }

  async prequeueEnd(): Promise<number> {
    const [row] = await queryRows<{ end: string }>(this.txHost.tx, PREQUEUE_END_SQL);
    return Number(row.end);
  }

  async prequeueBelow(): Promise<number> {
    const [row] = await queryRows<{ below: string }>(
      this.txHost.tx,
      `SELECT LEAST(0, COALESCE((SELECT min(line_key) FROM user_queue_tokens
                                  WHERE status = 'IN_QUEUE' AND line_key < 0), 0))::text AS below`,
    );
    return Number(row.below);
  }

  async writePrequeueKeys(places: readonly PrequeuePlace[]): Promise<number> {
    if (places.length === 0) return 0;
    // In arrival order, the order the rows lie in the table and in the pre-queue's index.
    const sorted = [...places].sort((a, b) => a.seq - b.seq);
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens t SET line_key = p.key
         FROM unnest($1::bigint[], $2::bigint[]) AS p(seq, key)
        WHERE t.prequeue_seq = p.seq AND t.status = 'IN_QUEUE' AND t.line_key IS NULL
       RETURNING t.id`,
      [sorted.map((place) => place.seq), sorted.map((place) => place.key)],
    );
    return rows.length;
  }

  async placeLatePrequeue(outside?: { seqFrom: number; seqTo: number }): Promise<number> {
    const rows = await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens t SET line_key = nextval('user_queue_tokens_line_key_seq')
         FROM (SELECT id FROM user_queue_tokens
                WHERE status = 'IN_QUEUE' AND line_key IS NULL
                  AND ($1::bigint IS NULL OR prequeue_seq IS NULL
                       OR prequeue_seq < $1 OR prequeue_seq >= $2)
                ORDER BY id) AS late
        WHERE t.id = late.id
       RETURNING t.id`,
      [outside?.seqFrom ?? null, outside?.seqTo ?? null],
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
