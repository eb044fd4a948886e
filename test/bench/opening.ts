import { Pool } from 'pg';
import { request } from '../process/support/http-client';
import { LoadResult, loadTest } from './load-test';

export interface OpeningFigures {
  prequeued: number;
  /**
   * From the opening instant until every pre-queued token had its place as clients see it:
   * the places drawn (the settings flag flipped) and every token of a sample polled by
   * token_info, on every instance, answered with a position.
   */
  shuffleSeconds: number;
  /** Of which: until the settings flag flipped (the opening's transaction committed). */
  flagSeconds: number;
  /**
   * From the opening instant until every place's key was written in the rows (the lazy
   * materialization finished), or null when it had not finished `writtenWaitS` after the polls.
   */
  writtenSeconds: number | null;
  /** How many of the places had their keys written at the end of the run. */
  writtenPlaces: number;
  writtenWaitS: number;
  /** token_info on pre-queued tokens before the opening, and in the seconds after it. */
  pollsBefore: LoadResult;
  pollsDuring: LoadResult;
  /** Joins (new users) sent in the seconds after the opening. */
  joinsDuring: LoadResult;
  /**
   * Every pre-queued token placed exactly once (checked in SQL once every key is written:
   * each has a key, all distinct, the block of the range's size), all ahead of the joins
   * made after the opening.
   */
  placedOnce: boolean;
  /** The SQL check behind placedOnce: tokens still without a key, distinct keys, placed. */
  placement: { unplaced: number; keys: number; placed: number; prequeuedAtOpening: number };
  behindThePrequeue: boolean;
}

/** When the opening's keys were all written, or how far they got. */
export function openingWritten(open: OpeningFigures): string {
  const n = (value: number) => value.toLocaleString('en');
  return open.writtenSeconds === null
    ? `not within ${open.writtenWaitS} s more (${n(open.writtenPlaces)} of ${n(open.prequeued)})`
    : `after ${open.writtenSeconds.toFixed(1)} s`;
}

/** Pre-queued tokens polled until each shows a position (`shuffleSeconds`). */
const PLACED_SAMPLE = 300;

/**
 * Fair opening at scale: `count` tokens wait in the pre-queue (written by SQL as the join
 * writes them before an opening: no key, an arrival number), the opening passes, and the next
 * admission tick draws their places (a key and the arrival range, no row written); the ticks
 * after it write the keys ahead of the head, a chunk at a time. Meanwhile polls and joins keep
 * going; the report gives the time until the places showed to clients, the time until every
 * key was written, and the poll rate after the opening next to the rate before it.
 */
export async function runOpening(
  pool: Pool,
  appUrls: string[],
  admin: Record<string, string>,
  options: { count: number; connections: number; durationS: number; writtenWaitS: number },
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
       INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at, line_key,
                                      prequeue_seq)
       SELECT id, md5(id::text || random()::text || clock_timestamp()::text), 'IN_QUEUE',
              clock_timestamp(), now(), NULL, nextval('user_queue_tokens_prequeue_seq')
         FROM (SELECT id FROM new_users ORDER BY id) AS new_users`,
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
  // The whole pre-queue: the tokens inserted above, and any token still waiting from an
  // earlier step, which the scheduled opening moved back to the pre-queue (a full run's rush
  // leaves some).
  const {
    rows: [{ waiting }],
  } = await pool.query<{ waiting: number }>(
    `SELECT count(*)::int AS waiting FROM user_queue_tokens
      WHERE status = 'IN_QUEUE' AND line_key IS NULL`,
  );
  log('opening: the opening passes; polls and joins while the places are drawn and written');
  const openedAt = Date.now();
  await patch({ opens_at: new Date(openedAt).toISOString() });
  const elapsed = () => (Date.now() - openedAt) / 1000;
  const opening = async () => {
    const {
      rows: [row],
    } = await pool.query<{ drawn: boolean; written: number; size: number }>(
      `SELECT prequeue_shuffled AND opening_key IS NOT NULL AS drawn,
              opening_frontier::int AS written, (opening_seq_to - opening_seq_from)::int AS size
         FROM queue_settings WHERE id = 1`,
    );
    return row;
  };
  const sample = tokens.slice(0, PLACED_SAMPLE);
  const placed = (async () => {
    let flagSeconds: number | null = null;
    for (;;) {
      if (flagSeconds === null && (await opening()).drawn) flagSeconds = elapsed();
      if (flagSeconds !== null) {
        // As clients see it: every sampled token, each on another instance, has a position.
        const answers = await Promise.all(
          sample.map((token, i) =>
            request(appUrls[i % appUrls.length], 'GET', '/user_queue_tokens/token_info', {
              token,
            }),
          ),
        );
        const without = answers.filter(
          (answer) => answer.status !== 200 || answer.body.position === null,
        ).length;
        if (without === 0) return { flagSeconds, shuffleSeconds: elapsed() };
        log(
          `opening: ${without} of ${sample.length} sampled tokens without a place at ${elapsed().toFixed(1)} s`,
        );
      } else {
        log(`opening: places not drawn yet at ${elapsed().toFixed(1)} s`);
      }
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
  const { flagSeconds, shuffleSeconds } = await placed;
  log(`opening: places shown after ${shuffleSeconds.toFixed(1)} s; waiting for every key`);
  let writtenSeconds: number | null = null;
  let state = await opening();
  while (elapsed() < options.durationS + options.writtenWaitS) {
    state = await opening();
    if (state.written >= state.size) {
      writtenSeconds = elapsed();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log(
    writtenSeconds === null
      ? `opening: ${state.written} of ${state.size} keys written after ${elapsed().toFixed(0)} s`
      : `opening: every key written after ${writtenSeconds.toFixed(1)} s`,
  );
  // Once written, the keys are in the rows: every pre-queued token has one, all distinct, as
  // many as were pre-queued at the opening, ahead of the joins.
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
    flagSeconds,
    writtenSeconds,
    writtenPlaces: state.written,
    writtenWaitS: options.writtenWaitS,
    pollsBefore,
    pollsDuring,
    joinsDuring,
    placedOnce:
      writtenSeconds !== null &&
      check.unplaced === 0 &&
      check.keys === check.placed &&
      check.placed === waiting,
    behindThePrequeue: check.behind,
    placement: {
      unplaced: check.unplaced,
      keys: check.keys,
      placed: check.placed,
      prequeuedAtOpening: waiting,
    },
  };
}
