import { Pool } from 'pg';
import { request } from '../process/support/http-client';
import { LoadResult, loadTest } from './load-test';

export interface OpeningFigures {
  prequeued: number;
  /** From the opening instant until the pre-queue had its places (the settings flag flipped). */
  shuffleSeconds: number;
  /** token_info on pre-queued tokens before the opening, and while the shuffle ran. */
  pollsBefore: LoadResult;
  pollsDuring: LoadResult;
  /** Joins (new users) sent while the shuffle ran. */
  joinsDuring: LoadResult;
  /** Every pre-queued token placed exactly once, all ahead of the joins made during it. */
  placedOnce: boolean;
  behindThePrequeue: boolean;
}

/**
 * Fair opening at scale: `count` tokens wait in the pre-queue (written by SQL as the join
 * writes them before an opening: no key), the opening passes, and the next admission tick
 * shuffles them all in one statement. Meanwhile polls and joins keep going; the report gives
 * the shuffle's duration and the poll rate during it next to the rate before it.
 */
export async function runOpening(
  pool: Pool,
  appUrls: string[],
  admin: Record<string, string>,
  options: { count: number; connections: number; durationS: number },
  log: (line: string) => void,
): Promise<OpeningFigures> {
  const patch = async (body: Record<string, unknown>) => {
    const result = await request(appUrls[0], 'PATCH', '/admin/queue', { headers: admin, body });
    if (result.status !== 200) throw new Error(`PATCH /admin/queue: ${result.status}`);
  };
  await patch({ opens_at: new Date(Date.now() + 3_600_000).toISOString(), paused: true });
  log(`opening: inserting ${options.count} pre-queued users and tokens`);
  for (let done = 0; done < options.count; done += 100_000) {
    const batch = Math.min(100_000, options.count - done);
    await pool.query(
      `WITH new_users AS (
         INSERT INTO users (balance) SELECT 0 FROM generate_series(1, $1::int) RETURNING id
       )
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at, line_key)
       SELECT id, md5(id::text || random()::text || clock_timestamp()::text), 'IN_QUEUE',
              clock_timestamp(), now(), NULL
         FROM new_users`,
      [batch],
    );
  }
  await pool.query('ANALYZE user_queue_tokens');
  const { rows } = await pool.query<{ token: string }>(
    `SELECT token FROM user_queue_tokens
      WHERE status = 'IN_QUEUE' AND line_key IS NULL AND id % 100 = 0 LIMIT 10000`,
  );
  const tokens = rows.map((row) => row.token);
  const poll = (durationS: number) =>
    loadTest({
      targets: appUrls,
      connections: options.connections,
      durationS,
      method: 'GET',
      path: '/user_queue_tokens/token_info',
      prepare: () => ({
        headers: { 'x-reservation-token': tokens[Math.floor(Math.random() * tokens.length)] },
      }),
    });
  log('opening: polls before the opening');
  await poll(2);
  const pollsBefore = await poll(options.durationS);

  const { rows: fresh } = await pool.query<{ id: string }>(
    `INSERT INTO users (balance) SELECT 0 FROM generate_series(1, 50000) RETURNING id`,
  );
  let next = 0;
  log('opening: the opening passes; polls and joins while the pre-queue is shuffled');
  const openedAt = Date.now();
  await patch({ opens_at: new Date(openedAt).toISOString() });
  const shuffled = (async () => {
    for (;;) {
      const {
        rows: [row],
      } = await pool.query<{ done: boolean }>(
        'SELECT prequeue_shuffled AS done FROM queue_settings WHERE id = 1',
      );
      if (row.done) return (Date.now() - openedAt) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const [pollsDuring, joinsDuring] = await Promise.all([
    poll(options.durationS),
    loadTest({
      targets: appUrls,
      connections: 4,
      durationS: options.durationS,
      method: 'POST',
      path: '/user_queue_tokens',
      prepare: () => ({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: fresh[next++ % fresh.length].id }),
      }),
    }),
  ]);
  const shuffleSeconds = await shuffled;
  const {
    rows: [check],
  } = await pool.query<{ unplaced: number; keys: number; placed: number; behind: boolean }>(
    `SELECT count(*) FILTER (WHERE line_key IS NULL)::int AS unplaced,
            count(DISTINCT line_key) FILTER (WHERE line_key < 0)::int AS keys,
            count(*) FILTER (WHERE line_key < 0)::int AS placed,
            COALESCE(max(line_key) FILTER (WHERE line_key < 0), 0)
              < COALESCE(min(line_key) FILTER (WHERE line_key > 0), 1) AS behind
       FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
  );
  await patch({ opens_at: null });
  return {
    prequeued: options.count,
    shuffleSeconds,
    pollsBefore,
    pollsDuring,
    joinsDuring,
    placedOnce: check.unplaced === 0 && check.keys === check.placed,
    behindThePrequeue: check.behind,
  };
}
