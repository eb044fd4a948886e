import { liveHoldSql } from '../../../domain/live-hold.rule';

/**
 * Booking's share of the metrics statement (column `holds`: live holds, on the partial index
 * of open holds); `now` is the SQL of the current time.
 */
export function holdGaugeColumnsSql(now: string): string {
  return `(SELECT count(*) FROM performance_seat_book_info WHERE ${liveHoldSql('', now)})::int AS holds`;
}
