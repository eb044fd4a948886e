import { activeTokenSql } from '../../../domain/active-token.rule';

/**
 * The queue's share of the metrics statement (columns `waiting` and `active`), for the one
 * statement the ticketing snapshot reads; `now` is the SQL of the current time. Each count
 * runs on a partial index.
 */
export function queueGaugeColumnsSql(now: string): string {
  return `(SELECT count(*) FROM user_queue_tokens WHERE status = 'IN_QUEUE')::int AS waiting,
       (SELECT count(*) FROM user_queue_tokens WHERE ${activeTokenSql('', now)})::int AS active`;
}
