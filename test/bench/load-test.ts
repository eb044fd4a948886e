import autocannon from 'autocannon';
import http from 'node:http';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadResult extends LatencySummary {
  /** Responses per second, summed over the targets. */
  rps: number;
  durationS: number;
  connections: number;
  statuses: Record<string, number>;
  /** Connection errors and time-outs (no HTTP answer). */
  errors: number;
}

export interface LoadTestOptions {
  /** The servers to load; the connections are split evenly between them. */
  targets: string[];
  connections: number;
  durationS: number;
  /**
   * A fixed amount of work instead of a duration: this many requests in all, split evenly
   * over the targets (a burst). rps is then requests / time taken.
   */
  amount?: number;
  /** Open-loop pacing: at most this many requests per second in all, split over the targets. */
  overallRate?: number;
  method: 'GET' | 'POST';
  path: string;
  /**
   * Called for every request: the headers and body to send (e.g. the next token), and
   * optionally another path than `path` (e.g. the next seat).
   */
  prepare: (target: number) => {
    headers?: Record<string, string>;
    body?: string;
    path?: string;
  };
}

/**
 * One autocannon run per target, in parallel, for the same duration: a client-side round
 * robin between instances, as a load balancer would spread connections. Latencies come from
 * every response (autocannon's own summary has no p95), merged over the targets.
 */
export async function loadTest(options: LoadTestOptions): Promise<LoadResult> {
  const perTarget = Math.max(1, Math.floor(options.connections / options.targets.length));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  // A burst's time is its own: autocannon only notices that the amount is done at its next
  // one-second sample, so its duration is rounded up to whole seconds (2,000 requests served
  // in 1.3 s would count 2.0 s).
  const startedAt = options.targets.map(() => process.hrtime.bigint());
  const lastResponseAt = [...startedAt];
  const runs = options.targets.map((url, target) => {
    startedAt[target] = process.hrtime.bigint();
    const instance = autocannon({
      url,
      connections: perTarget,
      duration: options.durationS,
      ...(options.amount !== undefined
        ? { amount: Math.max(1, Math.round(options.amount / options.targets.length)) }
        : {}),
      ...(options.overallRate !== undefined
        ? { overallRate: Math.max(1, Math.round(options.overallRate / options.targets.length)) }
        : {}),
      timeout: 10,
      requests: [
        {
          method: options.method,
          path: options.path,
          setupRequest: (request) => {
            const { headers, body, path } = options.prepare(target);
            return {
              ...request,
              ...(path ? { path } : {}),
              headers: { ...request.headers, ...headers },
              body,
            };
          },
        },
      ],
    });
    (instance as unknown as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        latencies.push(responseTime);
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
        lastResponseAt[target] = process.hrtime.bigint();
      },
    );
    return instance as unknown as Promise<autocannon.Result>;
  });
  const results = await Promise.all(runs);
  const durations = results.map((result, target) =>
    options.amount === undefined
      ? result.duration
      : Number(lastResponseAt[target] - startedAt[target]) / 1e9,
  );
  const rps = results.reduce(
    (sum, result, target) => sum + result.requests.total / Math.max(durations[target], 0.001),
    0,
  );
  const errors = results.reduce((sum, result) => sum + result.errors + result.timeouts, 0);
  const durationS = Math.max(...durations);
  return {
    rps,
    durationS,
    connections: perTarget * options.targets.length,
    statuses,
    errors,
    ...summarise(latencies),
  };
}

export function summarise(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
  };
}

/**
 * Sends GET /user_queue_tokens/token_info once for every token, to one server, `concurrency`
 * at a time over keep-alive connections: a warm-up that reaches every token exactly once
 * (a load run sends as many requests as it can, not each token once). Returns the statuses.
 */
export async function pollEach(
  url: string,
  tokens: string[],
  concurrency: number,
): Promise<Record<string, number>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: Record<string, number> = {};
  const get = (token: string) =>
    new Promise<number>((resolve) => {
      const req = http.get(
        `${url}/user_queue_tokens/token_info`,
        { agent, headers: { 'x-reservation-token': token } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        },
      );
      req.setTimeout(10_000, () => req.destroy());
      req.on('error', () => resolve(0));
    });
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const status = await get(tokens[next++]);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  } finally {
    agent.destroy();
  }
  return statuses;
}
