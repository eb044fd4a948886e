import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import {
  QueueSettingsPatch,
  QueueSettingsRepository,
  StoredOpening,
  StoredQueueSettings,
} from '../../../application/port/out/queue-settings.repository';
import { LineThroughput } from '../../../domain/line-throughput';

interface SettingsRow {
  max_active: number | null;
  admit_per_minute: number | null;
  paused: boolean;
  observed_admissions_per_minute: number | null;
  opens_at: Date | null;
  prequeue_shuffled: boolean;
  throughput_admitted: number;
  throughput_seconds: number;
  observed_at: Date | null;
  line_backlogged: boolean;
  sessions_ended: number;
  session_seconds: number;
  active_after: number;
  active_remaining_seconds: number;
  opening_key: Buffer | null;
  opening_seq_from: string;
  opening_seq_to: string;
  opening_below: string;
  opening_frontier: string;
}

const OPENING_COLUMNS =
  'opening_key, opening_seq_from, opening_seq_to, opening_below, opening_frontier';

type OpeningRow = Pick<
  SettingsRow,
  'opening_key' | 'opening_seq_from' | 'opening_seq_to' | 'opening_below' | 'opening_frontier'
>;

function openingOf(row: OpeningRow | undefined): StoredOpening | null {
  if (!row?.opening_key) return null;
  return {
    key: row.opening_key,
    seqFrom: Number(row.opening_seq_from),
    seqTo: Number(row.opening_seq_to),
    below: Number(row.opening_below),
    frontier: Number(row.opening_frontier),
  };
}

/** The single row id = 1 of queue_settings (created by the migration). */
@Injectable()
export class TypeOrmQueueSettingsRepository extends QueueSettingsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async load(): Promise<StoredQueueSettings> {
    const [row] = await queryRows<SettingsRow>(
      this.txHost.tx,
      `SELECT max_active, admit_per_minute, paused, observed_admissions_per_minute, opens_at,
              prequeue_shuffled, throughput_admitted, throughput_seconds, observed_at,
              line_backlogged, sessions_ended, session_seconds, active_after,
              active_remaining_seconds, ${OPENING_COLUMNS}
         FROM queue_settings WHERE id = 1`,
    );
    return {
      maxActive: row?.max_active ?? null,
      admitPerMinute: row?.admit_per_minute ?? null,
      paused: row?.paused ?? false,
      observedAdmissionsPerMinute: row?.observed_admissions_per_minute ?? null,
      opensAt: row?.opens_at ?? null,
      prequeueShuffled: row?.prequeue_shuffled ?? true,
      opening: openingOf(row),
      throughput: {
        admitted: row?.throughput_admitted ?? 0,
        seconds: row?.throughput_seconds ?? 0,
        at: row?.observed_at ?? null,
        backlogged: row?.line_backlogged ?? false,
        sessionsEnded: row?.sessions_ended ?? 0,
        sessionSeconds: row?.session_seconds ?? 0,
        activeAfter: row?.active_after ?? 0,
        activeRemainingSeconds: row?.active_remaining_seconds ?? 0,
      },
    };
  }

  async update(patch: QueueSettingsPatch, now: Date): Promise<void> {
    // One statement; column names are fixed here, only values are parameters.
    const sets: string[] = [];
    const values: unknown[] = [now];
    const set = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.maxActive !== undefined) set('max_active', patch.maxActive);
    if (patch.admitPerMinute !== undefined) set('admit_per_minute', patch.admitPerMinute);
    if (patch.paused !== undefined) set('paused', patch.paused);
    if (patch.opensAt !== undefined) set('opens_at', patch.opensAt);
    await queryRows(
      this.txHost.tx,
      `UPDATE queue_settings SET ${[...sets, 'updated_at = $1'].join(', ')} WHERE id = 1`,
      values,
    );
  }

  async awaitShuffle(): Promise<void> {
    // The next opening's range starts where the last one's ended.
    await queryRows(
      this.txHost.tx,
      `UPDATE queue_settings
          SET prequeue_shuffled = false, opening_key = NULL, opening_seq_from = opening_seq_to,
              opening_frontier = 0
        WHERE id = 1`,
    );
  }

  async recordOpening(opening: {
    key: Buffer;
    seqTo: number;
    below: number;
  }): Promise<StoredOpening> {
    const [row] = await queryRows<OpeningRow>(
      this.txHost.tx,
      `UPDATE queue_settings
          SET line_generation = line_generation + 1, prequeue_shuffled = true,
              opening_key = $1, opening_seq_from = opening_seq_to,
              opening_seq_to = GREATEST(opening_seq_to, $2), opening_below = $3,
              opening_frontier = 0
        WHERE id = 1
       RETURNING ${OPENING_COLUMNS}`,
      [opening.key, opening.seqTo, opening.below],
    );
    return openingOf(row)!;
  }

  async recordFrontier(seqFrom: number, frontier: number): Promise<void> {
    await queryRows(
      this.txHost.tx,
      `UPDATE queue_settings SET opening_frontier = $2
        WHERE id = 1 AND opening_key IS NOT NULL AND opening_seq_from = $1`,
      [seqFrom, frontier],
    );
  }

  async recordPlacement(): Promise<void> {
    await queryRows(
      this.txHost.tx,
      'UPDATE queue_settings SET line_generation = line_generation + 1 WHERE id = 1',
    );
  }

  async recordThroughput(
    throughput: LineThroughput,
    admissionsPerMinute: number | null,
  ): Promise<void> {
    await queryRows(
      this.txHost.tx,
      `UPDATE queue_settings
          SET observed_admissions_per_minute = $1, observed_at = $2, throughput_admitted = $3,
              throughput_seconds = $4, line_backlogged = $5, sessions_ended = $6,
              session_seconds = $7, active_after = $8, active_remaining_seconds = $9
        WHERE id = 1`,
      [
        admissionsPerMinute,
        throughput.at,
        throughput.admitted,
        throughput.seconds,
        throughput.backlogged,
        throughput.sessionsEnded,
        throughput.sessionSeconds,
        throughput.activeAfter,
        throughput.activeRemainingSeconds,
      ],
    );
  }
}
