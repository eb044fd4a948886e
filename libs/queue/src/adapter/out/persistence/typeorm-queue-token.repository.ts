import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ADVISORY_LOCKS } from '@app/database/advisory-locks';
import { queryPrepared, queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  JoinedLine,
  NewQueueToken,
  QueueTokenRepository,
  TokenSeatHold,
} from '../../../application/port/out/queue-token.repository';
import { TokenHoldLookup } from '../../../application/port/out/token-hold-lookup';
import { overdueTokenSql } from '../../../domain/active-token.rule';
import { QueueToken, TokenStatus } from '../../../domain/queue-token';
import { LineShape } from '../../../domain/waiting-line';

interface TokenRow {
  id: string;
  user_id: string;
  token: string;
  status: TokenStatus;
  line_key: string | null;
  created_at: Date;
  last_seen_at: Date;
  activated_at: Date | null;
  expires_at: Date | null;
  prequeue_seq: string | null;
  late_below: string | null;
}

const TOKEN_COLUMNS =
  'id, user_id, token, status, line_key, created_at, last_seen_at, activated_at, expires_at, prequeue_seq';

/**
 * A pre-queued token's `late_below` (PrequeueTicket.lateBelow), from the settings row read in
 * the same statement as the token: the places its opening had written by then (0 when its
 * opening had not happened yet). A token read with no key and a place below it came late. The
 * settings are read only for a token with no key (uncorrelated subqueries run when first used).
 */
const LATE_BELOW = `CASE WHEN line_key IS NOT NULL OR prequeue_seq IS NULL THEN NULL
            WHEN prequeue_seq >= (SELECT opening_seq_to FROM queue_settings WHERE id = 1) THEN 0
            ELSE (SELECT opening_frontier FROM queue_settings WHERE id = 1) END AS late_below`;

/** A token's columns as read: with its `late_below`. */
const READ_COLUMNS = `${TOKEN_COLUMNS}, ${LATE_BELOW}`;

/**
 * The head of the line: min(line_key) over the partial index user_queue_tokens_line, one
 * index probe however long the line is (exported for the plan test).
 */
export const HEAD_OF_LINE_SQL = `SELECT min(line_key) AS head FROM user_queue_tokens WHERE status = 'IN_QUEUE'`;

/**
 * While an opening's block is being written: the key of its first unwritten place and the
 * block's last key. Its unwritten places are waiting too (their keys are known, not written).
 */
const UNWRITTEN_BLOCK = `FROM queue_settings WHERE id = 1 AND opening_key IS NOT NULL
           AND opening_frontier < opening_seq_to - opening_seq_from`;

/**
 * The line's shape as columns head, neg_tail, pos_head: three probes of the same index and the
 * settings row. The opening's unwritten places count as waiting (`UNWRITTEN_BLOCK`): the head
 * is at most the first of them, the block ends at its last key, so that a place computed from
 * the shape is never under the truth.
 */
export const LINE_SHAPE_COLUMNS = `LEAST((${HEAD_OF_LINE_SQL}),
             (SELECT opening_below - (opening_seq_to - opening_seq_from) + opening_frontier
                ${UNWRITTEN_BLOCK})) AS head,
       GREATEST((SELECT max(line_key) FROM user_queue_tokens
                  WHERE status = 'IN_QUEUE' AND line_key < 0),
                (SELECT opening_below - 1 ${UNWRITTEN_BLOCK})) AS neg_tail,
       (SELECT min(line_key) FROM user_queue_tokens
         WHERE status = 'IN_QUEUE' AND line_key > 0) AS pos_head`;

/** Whether a token created at $3 waits in the pre-queue: a scheduled opening is still ahead. */
const PREQUEUED = '(SELECT opens_at FROM queue_settings WHERE id = 1) > $3';

/**
 * A new waiter's key: none while a scheduled opening is ahead (the pre-queue), else the next;
 * and, in the pre-queue only, its arrival number.
 */
const NEW_LINE_KEY = `CASE WHEN ${PREQUEUED} THEN NULL
            ELSE nextval('user_queue_tokens_line_key_seq') END,
            CASE WHEN ${PREQUEUED} THEN nextval('user_queue_tokens_prequeue_seq') END`;

/**
 * Joining in one statement: the user's live token if there is one, else a new IN_QUEUE token
 * (when the user exists), with the head of the line as the statement saw it. No row when the
 * insert lost a race to another request of the same user (the unique index refused it).
 */
export const JOIN_LINE_SQL = `WITH live AS (
       SELECT ${TOKEN_COLUMNS} FROM user_queue_tokens
        WHERE user_id = $1 AND status IN ('IN_QUEUE', 'IN_PROGRESS')
     ), fresh AS (
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at, line_key,
                                      prequeue_seq)
       SELECT $1, $2, 'IN_QUEUE', $3, $3, ${NEW_LINE_KEY}
        WHERE NOT EXISTS (SELECT 1 FROM live) AND EXISTS (SELECT 1 FROM users WHERE id = $1)
       ON CONFLICT DO NOTHING
       RETURNING ${TOKEN_COLUMNS}
     )
     SELECT t.*, ${LATE_BELOW}, ${LINE_SHAPE_COLUMNS}
       FROM (SELECT *, true AS created FROM fresh UNION ALL SELECT *, false FROM live) AS t`;

@Injectable()
export class TypeOrmQueueTokenRepository extends QueueTokenRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly holds: TokenHoldLookup,
  ) {
    super();
  }

  /**
   * Plain SQL, no entity hydration: every guarded request may start here. Prepared: planning
   * it cost PostgreSQL more than running it, on every booking, payment and active token's poll.
   */
  async findByToken(token: string): Promise<QueueToken | null> {
    const [row] = await queryPrepared<TokenRow>(
      this.txHost.tx,
      'token_by_value',
      `SELECT ${READ_COLUMNS} FROM user_queue_tokens WHERE token = $1`,
      [token],
    );
    return row ? fromRow(row) : null;
  }

  async findManyByToken(tokens: readonly string[]): Promise<QueueToken[]> {
    if (tokens.length === 0) return [];
    const rows = await queryRows<TokenRow>(
      this.txHost.tx,
      `SELECT ${READ_COLUMNS} FROM user_queue_tokens WHERE token = ANY($1::text[])`,
      [tokens],
    );
    return rows.map(fromRow);
  }

  async joinLine(token: NewQueueToken): Promise<JoinedLine | null> {
    // Prepared: this statement's parsing and planning cost PostgreSQL more than running it.
    const [row] = await queryPrepared<TokenRow & ShapeRow & { created: boolean }>(
      this.txHost.tx,
      'join_line',
      JOIN_LINE_SQL,
      [token.userId, token.token, token.createdAt],
    );
    if (!row) return null;
    return { token: fromRow(row), created: row.created, shape: shapeOf(row) };
  }

  async lockUser(userId: string): Promise<void> {
    await queryRows(this.txHost.tx, 'SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [
      ADVISORY_LOCKS.queueUserTokenClass,
      userId,
    ]);
  }

  async expireOverdueOfUser(userId: string, now: Date): Promise<void> {
    await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $2
        WHERE user_id = $1 AND ${overdueTokenSql('', '$2')}`,
      [userId, now],
    );
  }

  async findLiveByUser(userId: string): Promise<QueueToken | null> {
    const [row] = await queryRows<TokenRow>(
      this.txHost.tx,
      `SELECT ${READ_COLUMNS} FROM user_queue_tokens
        WHERE user_id = $1 AND status IN ('IN_QUEUE', 'IN_PROGRESS')`,
      [userId],
    );
    return row ? fromRow(row) : null;
  }

  async insertQueued(token: NewQueueToken): Promise<QueueToken | null> {
    // DO NOTHING: the partial unique index refuses a second live token of the user.
    const rows = await queryRows<TokenRow>(
      this.txHost.tx,
      `WITH fresh AS (
         INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at,
                                        line_key, prequeue_seq)
         VALUES ($1, $2, 'IN_QUEUE', $3, $3, ${NEW_LINE_KEY})
         ON CONFLICT DO NOTHING
         RETURNING ${TOKEN_COLUMNS}
       )
       SELECT t.*, ${LATE_BELOW} FROM fresh t`,
      [token.userId, token.token, token.createdAt],
    );
    return rows.length === 0 ? null : fromRow(rows[0]);
  }

  async lineShape(): Promise<LineShape> {
    const [row] = await queryRows<ShapeRow>(this.txHost.tx, `SELECT ${LINE_SHAPE_COLUMNS}`);
    return shapeOf(row);
  }

  async signOfLife(id: number, now: Date, since: Date): Promise<void> {
    await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens SET last_seen_at = $2
        WHERE id = $1 AND status = 'IN_QUEUE'
          AND date_trunc('milliseconds', last_seen_at) <= $3`,
      [id, now, since],
    );
  }

  async signsOfLife(waiters: readonly { id: number; since: Date }[], now: Date): Promise<void> {
    if (waiters.length === 0) return;
    await queryRows(
      this.txHost.tx,
      `UPDATE user_queue_tokens t SET last_seen_at = $3
         FROM unnest($1::bigint[], $2::timestamptz[]) AS w(id, since)
        WHERE t.id = w.id AND t.status = 'IN_QUEUE'
          AND date_trunc('milliseconds', t.last_seen_at) <= w.since`,
      [waiters.map((w) => w.id), waiters.map((w) => w.since), now],
    );
  }

  /** Asked of the booking context, which owns the seat tables. */
  findSeatHold(token: string): Promise<TokenSeatHold | null> {
    return this.holds.findSeatHold(token);
  }

  /** Asked of the booking context, which owns the seat tables. */
  findSeatHolds(tokens: readonly string[]): Promise<Map<string, TokenSeatHold>> {
    return this.holds.findSeatHolds(tokens);
  }
}

interface ShapeRow {
  head: string | null;
  neg_tail: string | null;
  pos_head: string | null;
}

const keyOf = (value: string | null) => (value === null ? null : Number(value));

export function shapeOf(row: ShapeRow): LineShape {
  return { head: keyOf(row.head), negTail: keyOf(row.neg_tail), posHead: keyOf(row.pos_head) };
}

function fromRow(row: TokenRow): QueueToken {
  return {
    id: Number(row.id),
    token: row.token,
    userId: row.user_id,
    status: row.status,
    lineKey: row.line_key === null ? null : Number(row.line_key),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    activatedAt: row.activated_at,
    expiresAt: row.expires_at,
    prequeue:
      row.prequeue_seq === null || row.late_below === null
        ? null
        : { seq: Number(row.prequeue_seq), lateBelow: Number(row.late_below) },
  };
}
