import { sleep } from '../../support/app-process';
import { HttpResult, RequestOptions, request } from './http-client';

/**
 * A sale-open rush as buyers' browsers would drive it: take a token, poll token_info until
 * admitted, list the seats, book a free one (another one on a 409), pay. Shared by the
 * kill -9 fault test and the benchmark.
 */

export type RushStep = 'issue' | 'poll' | 'seats' | 'book' | 'pay';

export interface StepRecord {
  step: RushStep;
  status: number;
  ms: number;
  at: number;
  instance: number;
  message?: string;
}

export interface RushOptions {
  /** Base URLs of the instances; requests go round-robin, a dead one is skipped for the next. */
  instances: string[];
  userIds: string[];
  performanceId: number;
  pollIntervalMs?: number;
  /** Buyers in flight at once. */
  concurrency?: number;
  /** A buyer still busy after this stops (counted as timed out). */
  deadlineMs?: number;
  /**
   * How long an admitted buyer looks at the seats before booking, as a person choosing one
   * would: drawn uniformly from [min, max] ms, once per buyer (unset: at once, a script).
   */
  thinkMs?: [number, number];
}

/** What one buyer was told at its first poll, and when it actually saw itself admitted. */
export interface WaitRecord {
  /** The buyer's queue token (to read its admission time afterwards). */
  token: string;
  /** Date.now() when the first token_info answer came. */
  firstPollAt: number;
  /** estimated_wait_seconds of that answer (null if none was given). */
  estimateSeconds: number | null;
  position: number | null;
  /** Date.now() when a poll first answered IN_PROGRESS (undefined: never seen). */
  seenActiveAt?: number;
}

export interface RushResult {
  records: StepRecord[];
  /** One per buyer whose first poll still answered IN_QUEUE. */
  waits: WaitRecord[];
  bought: number;
  gaveUp: number;
  timedOut: number;
  /** Buyers that hit an answer the flow does not expect (listed in `unexpected`). */
  failed: number;
  unexpected: StepRecord[];
  startedAt: number;
  endedAt: number;
}

interface SeatView {
  id: number;
  status: 'AVAILABLE' | 'HELD' | 'BOOKED';
}

export async function runRush(options: RushOptions): Promise<RushResult> {
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const startedAt = Date.now();
  const deadline = startedAt + (options.deadlineMs ?? 60_000);
  const records: StepRecord[] = [];
  const unexpected: StepRecord[] = [];
  const waits: WaitRecord[] = [];
  let next = 0;
  let soldOut = false;
  const outcome = { bought: 0, gaveUp: 0, timedOut: 0, failed: 0 };

  /** Round-robin over the instances; a refused connection (instance down) tries the next. */
  const send = async (
    step: RushStep,
    method: 'GET' | 'POST',
    path: string,
    requestOptions: RequestOptions = {},
  ): Promise<HttpResult> => {
    for (let attempt = 0; ; attempt += 1) {
      const instance = next++ % options.instances.length;
      const result = await request(options.instances[instance], method, path, {
        timeoutMs: 15_000,
        ...requestOptions,
      });
      const record: StepRecord = {
        step,
        status: result.status,
        ms: result.ms,
        at: Date.now(),
        instance,
        message: typeof result.body?.message === 'string' ? result.body.message : undefined,
      };
      records.push(record);
      // No answer, or the database briefly away: the same request again, as a client would.
      if ((result.status === 0 || result.status === 503) && Date.now() < deadline) {
        await sleep(attempt < 5 ? 20 : 200);
        continue;
      }
      return result;
    }
  };

  const buy = async (userId: string): Promise<keyof typeof outcome> => {
    const issued = await send('issue', 'POST', '/user_queue_tokens', { body: { user_id: userId } });
    if (issued.status !== 201) return fail(issued, 'issue');
    const token: string = issued.body.token;
    let status: string = issued.body.status;
    let wait: WaitRecord | undefined;
    while (status !== 'IN_PROGRESS') {
      if (soldOut) return 'gaveUp';
      if (Date.now() > deadline) return 'timedOut';
      await sleep(pollIntervalMs);
      const info = await send('poll', 'GET', '/user_queue_tokens/token_info', { token });
      if (info.status !== 200) return fail(info, 'poll');
      status = info.body.status;
      if (status === 'EXPIRED') return fail(info, 'poll');
      if (!wait && status === 'IN_QUEUE') {
        wait = {
          token,
          firstPollAt: Date.now(),
          estimateSeconds: info.body.estimated_wait_seconds ?? null,
          position: info.body.position ?? null,
        };
        waits.push(wait);
      }
      if (wait && status === 'IN_PROGRESS') wait.seenActiveAt = Date.now();
    }

    let seatId: number | undefined;
    let chose = options.thinkMs === undefined;
    while (seatId === undefined) {
      if (Date.now() > deadline) return 'timedOut';
      const listed = await send(
        'seats',
        'GET',
        `/performance_seats?concert_date_id=${options.performanceId}`,
        { token },
      );
      if (listed.status !== 200) return fail(listed, 'seats');
      const seats = listed.body as SeatView[];
      const free = shuffle(seats.filter((seat) => seat.status === 'AVAILABLE'));
      if (free.length === 0) {
        if (seats.every((seat) => seat.status === 'BOOKED')) soldOut = true;
        return 'gaveUp';
      }
      if (!chose && options.thinkMs) {
        // The seats were free when listed: others may take them while this buyer chooses.
        const [min, max] = options.thinkMs;
        await sleep(min + Math.random() * (max - min));
        chose = true;
      }
      // A few tries from this listing, then a fresh one: others are booking too.
      for (const seat of free.slice(0, 3)) {
        const booked = await send('book', 'POST', `/performance_seats/${seat.id}/book`, { token });
        if (booked.status === 201) {
          seatId = seat.id;
          break;
        }
        const lostTheSeat =
          booked.status === 409 && booked.body?.message === 'Other user is booking the seat';
        const soldMeanwhile =
          booked.status === 400 && booked.body?.message === 'Seat is already booked';
        if (!lostTheSeat && !soldMeanwhile) return fail(booked, 'book');
      }
    }

    const paid = await send('pay', 'POST', `/performance_seats/${seatId}/pay`, { token });
    if (paid.status !== 200) return fail(paid, 'pay');
    return 'bought';
  };

  const fail = (result: HttpResult, step: RushStep): 'failed' | 'timedOut' => {
    if (Date.now() > deadline && (result.status === 0 || result.status === 503)) return 'timedOut';
    unexpected.push({
      step,
      status: result.status,
      ms: result.ms,
      at: Date.now(),
      instance: -1,
      message: JSON.stringify(result.body)?.slice(0, 300),
    });
    return 'failed';
  };

  let taken = 0;
  const workers = Array.from(
    { length: Math.min(options.concurrency ?? 200, options.userIds.length) },
    async () => {
      while (taken < options.userIds.length) {
        const userId = options.userIds[taken++];
        if (Date.now() > deadline) {
          outcome.timedOut += 1;
          continue;
        }
        outcome[await buy(userId)] += 1;
      }
    },
  );
  await Promise.all(workers);
  return { records, waits, ...outcome, unexpected, startedAt, endedAt: Date.now() };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
