import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  HoldOfToken,
  TokenHoldRepository,
} from '../../../application/port/out/token-hold.repository';

/**
 * A token's current hold (the seat's row still carries it), or else its last hold as the
 * booking log remembers it once the release job cleared the row: the latest first.
 */
export const SEAT_HOLD_BY_TOKEN_SQL = `SELECT * FROM (
       SELECT id, performance_seat_id, book_attempt_at, book_success_at, expires_at, 0 AS source
         FROM performance_seat_book_info
        WHERE token = $1
       UNION ALL
       SELECT b.id, l.performance_seat_id, l.created_at, NULL, NULL, 1
         FROM performance_seat_book_logs l
         JOIN performance_seat_book_info b ON b.performance_seat_id = l.performance_seat_id
        WHERE l.token = $1 AND l.result = 'HELD'
     ) AS holds
     ORDER BY book_attempt_at DESC NULLS LAST, source, id DESC
     LIMIT 1`;

/** SEAT_HOLD_BY_TOKEN_SQL for an array of tokens: each token's latest hold, in one read. */
export const SEAT_HOLDS_BY_TOKENS_SQL = `SELECT DISTINCT ON (token)
            token, id, performance_seat_id, book_attempt_at, book_success_at, expires_at
       FROM (
       SELECT token, id, performance_seat_id, book_attempt_at, book_success_at, expires_at,
              0 AS source
         FROM performance_seat_book_info
        WHERE token = ANY($1::text[])
       UNION ALL
       SELECT l.token, b.id, l.performance_seat_id, l.created_at, NULL, NULL, 1
         FROM performance_seat_book_logs l
         JOIN performance_seat_book_info b ON b.performance_seat_id = l.performance_seat_id
        WHERE l.token = ANY($1::text[]) AND l.result = 'HELD'
     ) AS holds
     ORDER BY token, book_attempt_at DESC NULLS LAST, source, id DESC`;

interface HoldRow {
  id: string;
  performance_seat_id: string;
  book_attempt_at: Date | null;
  book_success_at: Date | null;
  expires_at: Date | null;
}

@Injectable()
export class TypeOrmTokenHoldRepository extends TokenHoldRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async latestOf(token: string): Promise<HoldOfToken | null> {
    const [row] = await queryRows<HoldRow>(this.txHost.tx, SEAT_HOLD_BY_TOKEN_SQL, [token]);
    return row ? holdOf(row) : null;
  }

  async latestOfMany(tokens: readonly string[]): Promise<Map<string, HoldOfToken>> {
    const rows = await queryRows<HoldRow & { token: string }>(
      this.txHost.tx,
      SEAT_HOLDS_BY_TOKENS_SQL,
      [tokens],
    );
    return new Map(rows.map((row) => [row.token, holdOf(row)]));
  }
}

function holdOf(row: HoldRow): HoldOfToken {
  return {
    id: Number(row.id),
    performanceSeatId: Number(row.performance_seat_id),
    bookAttemptAt: row.book_attempt_at,
    bookSuccessAt: row.book_success_at,
    expiresAt: row.expires_at,
  };
}
