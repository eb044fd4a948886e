import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  LineSnapshotRepository,
  StoredLineSnapshot,
} from '../../../application/port/out/line-snapshot.repository';
import { activeTokenSql } from '../../../domain/active-token.rule';
import { meanSessionSeconds } from '../../../domain/line-throughput';
import { ACTIVE_EXPIRIES_READ } from '../../../domain/waiting-line';
import { LINE_SHAPE_COLUMNS, shapeOf } from './typeorm-queue-token.repository';

/**
 * Everything a waiting token's poll depends on, in one statement: the head and the tail of the
 * line (one probe each of the partial index user_queue_tokens_line), the settings row, the
 * active tokens' expiries (at most max_active rows of user_queue_tokens_active) and the few
 * near-head zone marks. Exported for the plan test.
 */
export const LINE_SNAPSHOT_SQL = `SELECT ${LINE_SHAPE_COLUMNS},
       (SELECT max(line_key) FROM user_queue_tokens WHERE status = 'IN_QUEUE') AS tail,
       s.max_active, s.admit_per_minute, s.paused,
       s.sessions_ended, s.session_seconds,
       s.opens_at, s.line_generation,
       s.opening_key, s.opening_seq_from, s.opening_seq_to, s.opening_below, s.opening_frontier,
       ARRAY(SELECT expires_at FROM user_queue_tokens
              WHERE ${activeTokenSql('', '$1')}
              ORDER BY expires_at LIMIT ${ACTIVE_EXPIRIES_READ}) AS active_expiries,
       ARRAY(SELECT at FROM queue_zone_marks ORDER BY at) AS zone_at,
       ARRAY(SELECT zone_key FROM queue_zone_marks ORDER BY at) AS zone_key
  FROM queue_settings s
 WHERE s.id = 1`;

interface SnapshotRow {
  head: string | null;
  neg_tail: string | null;
  pos_head: string | null;
  tail: string | null;
  opens_at: Date | null;
  line_generation: number;
  max_active: number | null;
  admit_per_minute: number | null;
  paused: boolean;
  sessions_ended: number;
  session_seconds: number;
  active_expiries: Date[];
  zone_at: Date[];
  zone_key: string[];
  opening_key: Buffer | null;
  opening_seq_from: string;
  opening_seq_to: string;
  opening_below: string;
  opening_frontier: string;
}

@Injectable()
export class TypeOrmLineSnapshotRepository extends LineSnapshotRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async read(now: Date): Promise<StoredLineSnapshot> {
    const [row] = await queryRows<SnapshotRow>(this.txHost.tx, LINE_SNAPSHOT_SQL, [now]);
    return {
      ...shapeOf(row),
      tail: row.tail === null ? null : Number(row.tail),
      opensAt: row.opens_at,
      generation: row.line_generation,
      overrides: {
        maxActive: row.max_active,
        admitPerMinute: row.admit_per_minute,
        paused: row.paused,
      },
      activeExpiries: row.active_expiries,
      meanSessionSeconds: meanSessionSeconds({
        sessionsEnded: row.sessions_ended,
        sessionSeconds: row.session_seconds,
      }),
      zone: row.zone_at.map((at, i) => ({ at, key: Number(row.zone_key[i]) })),
      opening: row.opening_key
        ? {
            key: row.opening_key,
            seqFrom: Number(row.opening_seq_from),
            seqTo: Number(row.opening_seq_to),
            below: Number(row.opening_below),
            frontier: Number(row.opening_frontier),
          }
        : null,
    };
  }
}
