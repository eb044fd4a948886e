import { execSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import {
  RunningPostgres,
  startEmbeddedPostgres,
} from '../../libs/database/src/embedded/embedded-postgres';
import { runMigrations } from '../../libs/database/src/migrate';
import {
  AppProcess,
  PROCESS_ADMIN_KEY,
  REPO_ROOT,
  freePort,
  startAppProcess,
} from '../support/app-process';
import { StepRecord, runRush } from '../process/support/buyer-rush';
import { countStatuses, request } from '../process/support/http-client';
import { checkInvariants, sampleActiveTokens } from '../process/support/invariants';
import { insertBuyers, insertPerformance } from '../process/support/sql-fixtures';
import { LatencySummary, LoadResult, loadTest, summarise } from './load-test';
import { renderMarkdown } from './report';

/**
 * `npm run bench`: the service as 2 instances on one PostgreSQL (embedded unless DATABASE_URL
 * is set) plus a reference server, loaded with autocannon from this machine. Prints a Markdown
 * report and writes it with the raw figures to bench-results/.
 *
 * Knobs (env): BENCH_QUICK=1 (small sizes, for a smoke run), BENCH_DURATION_S (per load run,
 * default 10), BENCH_CONNECTIONS (per load run, split over the instances, default 50),
 * BENCH_SKIP_BUILD=1 (reuse dist/).
 */

const QUICK = process.env.BENCH_QUICK === '1';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? (QUICK ? 3 : 10));
const WARMUP_S = QUICK ? 1 : 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SIZES = {
  smallQueue: 1_000,
  bigQueue: QUICK ? 10_000 : 100_000,
  issuanceUsers: QUICK ? 10_000 : 60_000,
  rushBuyers: QUICK ? 300 : 2_000,
  rushSeats: QUICK ? 100 : 500,
  rushConcurrency: 200,
  rushPollMs: 200,
  rushDeadlineMs: QUICK ? 60_000 : 150_000,
  oneSeatAttempts: 1_000,
};
/** The rush's queue settings: the env of both instances. */
const QUEUE_MAX_ACTIVE = 100;
const QUEUE_ADMIT_PER_MINUTE = 12_000;
const APP_ENV = {
  QUEUE_MAX_ACTIVE_TOKENS: String(QUEUE_MAX_ACTIVE),
  QUEUE_ADMIT_PER_MINUTE: String(QUEUE_ADMIT_PER_MINUTE),
  SCHEDULER_INTERVAL_MS: '200',
  LOG_LEVEL: 'warn',
  SEED_DEMO_DATA: 'false',
  // autocannon and the rush send everything from one address: measure the service, not the limit.
  RATE_LIMIT_PER_SECOND: '0',
};
const ADMIN = { 'x-admin-key': PROCESS_ADMIN_KEY };

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const startedAt = Date.now();
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const report = await run(cleanups);
    report.totalSeconds = Math.round((Date.now() - startedAt) / 1000);
    const markdown = renderMarkdown(report);
    const dir = path.join(REPO_ROOT, 'bench-results');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
    writeFileSync(path.join(dir, `bench-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, 'latest.md'), markdown);
    writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(markdown);
    log(`written bench-results/bench-${stamp}.json and bench-results/latest.md`);
    if (report.failures.length > 0) {
      log(`FAILED checks:\n  ${report.failures.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
  }
}

export interface BenchReport {
  date: string;
  command: string;
  quick: boolean;
  machine: Record<string, string | number>;
  config: Record<string, unknown>;
  polling: {
    queued: number;
    app: LoadResult;
    reference: LoadResult;
    ratio: number;
  }[];
  /** Where a poll's time goes: the same load on requests that do less and less. */
  breakdown: { server: string; request: string; rps: number; p50: number; p99: number }[];
  issuance: LoadResult & { reusedUsers: boolean };
  rush: {
    buyers: number;
    seats: number;
    seconds: number;
    bought: number;
    gaveUp: number;
    timedOut: number;
    failed: number;
    unexpected: StepRecord[];
    bookingsPerSecond: number;
    paymentsPerSecond: number;
    steps: Record<string, LatencySummary & { statuses: Record<string, number> }>;
    maxActiveSampled: number;
    activeSamples: number;
    cap: number;
    invariants: { seatsSold: number; payments: number; violations: string[] };
  };
  oneSeat: {
    attempts: number;
    settleMs: number;
    statuses: Record<string, number>;
    liveHolds: number;
    latency: LatencySummary;
  };
  memory: Record<string, { peakRssMb: number; hwmMb: number }>;
  failures: string[];
  totalSeconds?: number;
}

async function run(cleanups: (() => Promise<void>)[]): Promise<BenchReport> {
  const failures: string[] = [];

  // The database: the given one, or an embedded server in a temporary directory.
  let databaseUrl = process.env.DATABASE_URL;
  let postgres: RunningPostgres | undefined;
  if (!databaseUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketing-bench-pg-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root.
    log(`starting an embedded PostgreSQL in ${dir}`);
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      port: await freePort(),
      database: 'ticketing_bench',
      settings: { max_connections: 300, shared_buffers: '256MB' },
    });
    databaseUrl = postgres.url;
    cleanups.push(async () => {
      await postgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  if (!postgres) {
    log('DATABASE_URL is set: benchmarking on it (it gets test rows, and live tokens are expired)');
  }
  await runMigrations(databaseUrl);
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  cleanups.push(() => pool.end());

  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building (npm run build)');
    execSync('npm run build', { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  log('starting 2 app instances (dist build) and 2 reference servers');
  const apps: AppProcess[] = await Promise.all(
    ['api-1', 'api-2'].map((name) =>
      startAppProcess({ databaseUrl: databaseUrl!, name, mode: 'dist', env: APP_ENV }),
    ),
  );
  const references: AppProcess[] = await Promise.all(
    ['reference-1', 'reference-2'].map((name) =>
      startAppProcess({
        databaseUrl: databaseUrl!,
        name,
        args: ['-r', 'ts-node/register/transpile-only', 'test/bench/reference-server.ts'],
      }),
    ),
  );
  for (const server of [...apps, ...references]) cleanups.push(() => server.stop());
  const memory = watchMemory([...apps, ...references]);
  const appUrls = apps.map((app) => app.url);
  const referenceUrls = references.map((server) => server.url);

  // Polling and issuance run with admissions paused: the line stays as inserted.
  await patchQueue(appUrls[0], { paused: true });

  // 1. token_info polling, 1,000 then 100,000 tokens waiting; the reference alongside.
  const polling: BenchReport['polling'] = [];
  // A given DATABASE_URL may hold a line already: top it up to the size.
  let {
    rows: [{ n: queued }],
  } = await pool.query(
    `SELECT count(*)::int AS n FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
  );
  for (const size of [SIZES.smallQueue, SIZES.bigQueue]) {
    if (size > queued) {
      log(`inserting ${size - queued} queued users and tokens`);
      await insertBuyers(pool, size - queued, { tokenStatus: 'IN_QUEUE', balance: '0.00' });
      queued = size;
    }
    const { rows } = await pool.query<{ token: string }>(
      `SELECT token FROM user_queue_tokens WHERE status = 'IN_QUEUE'`,
    );
    const tokens = rows.map((row) => row.token);
    await pool.query('ANALYZE');
    const pollOnce = (targets: string[], durationS: number) =>
      loadTest({
        targets,
        connections: CONNECTIONS,
        durationS,
        method: 'GET',
        path: '/user_queue_tokens/token_info',
        prepare: () => ({
          headers: { 'x-reservation-token': tokens[Math.floor(Math.random() * tokens.length)] },
        }),
      });
    log(`polling token_info with ${size} queued: reference, then the service`);
    await pollOnce(referenceUrls, WARMUP_S);
    const reference = await pollOnce(referenceUrls, DURATION_S);
    await pollOnce(appUrls, WARMUP_S);
    const app = await pollOnce(appUrls, DURATION_S);
    polling.push({ queued, app, reference, ratio: app.rps / reference.rps });
    for (const [name, result] of [
      ['service', app],
      ['reference', reference],
    ] as const) {
      const non200 = Object.keys(result.statuses).filter((status) => status !== '200');
      if (non200.length > 0 || result.errors > 0) {
        failures.push(
          `polling ${size} (${name}): ${JSON.stringify(result.statuses)}, ${result.errors} errors`,
        );
      }
    }
  }

  // Where the time goes: the framework alone (an unknown route: 404, no SQL), one trivial
  // statement through TypeORM (/health), against bare Fastify without and with one SELECT.
  log('breakdown: 404 and /health on the service, /health on the reference');
  const breakdown: BenchReport['breakdown'] = [];
  const breakdownS = Math.max(2, Math.round(DURATION_S / 2));
  for (const [server, targets, label, pathname] of [
    ['service', appUrls, 'unknown route (404, no SQL)', '/no-such-route'],
    ['service', appUrls, 'GET /health (SELECT 1 through TypeORM)', '/health'],
    ['reference', referenceUrls, 'GET /health (no SQL)', '/health'],
  ] as const) {
    const once = (durationS: number) =>
      loadTest({
        targets: [...targets],
        connections: CONNECTIONS,
        durationS,
        method: 'GET',
        path: pathname,
        prepare: () => ({}),
      });
    await once(WARMUP_S);
    const result = await once(breakdownS);
    breakdown.push({ server, request: label, rps: result.rps, p50: result.p50, p99: result.p99 });
  }
  const last = polling[polling.length - 1];
  breakdown.push(
    {
      server: 'service',
      request: `GET token_info (${last.queued.toLocaleString('en')} queued)`,
      rps: last.app.rps,
      p50: last.app.p50,
      p99: last.app.p99,
    },
    {
      server: 'reference',
      request: 'GET token_info (one SELECT by token)',
      rps: last.reference.rps,
      p50: last.reference.p50,
      p99: last.reference.p99,
    },
  );

  // 2. Token issuance for distinct users (each instance draws from its own half).
  log(`inserting ${SIZES.issuanceUsers} users for issuance`);
  const fresh = await insertBuyers(pool, SIZES.issuanceUsers, { tokenStatus: 'none' });
  const halves = [0, 1].map((half) => fresh.filter((_, i) => i % 2 === half));
  const cursor = [0, 0];
  let reusedUsers = false;
  log('token issuance');
  const issuance = await loadTest({
    targets: appUrls,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    method: 'POST',
    path: '/user_queue_tokens',
    prepare: (target) => {
      const users = halves[target];
      if (cursor[target] >= users.length) reusedUsers = true;
      const user = users[cursor[target]++ % users.length];
      return {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: user.userId }),
      };
    },
  });
  if (Object.keys(issuance.statuses).some((status) => status !== '201') || issuance.errors > 0) {
    failures.push(`issuance: ${JSON.stringify(issuance.statuses)}, ${issuance.errors} errors`);
  }

  // 3. The sale-open rush. The line is cleared first (the waiting tokens above are test data).
  log('clearing the line for the rush');
  await pool.query(
    `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = $1
     WHERE status IN ('IN_QUEUE', 'IN_PROGRESS')`,
    [new Date()],
  );
  await patchQueue(appUrls[0], { paused: false });
  const rush = await runSaleRush(pool, appUrls, failures);

  // 4. 1,000 attempts on one seat at once, split over the instances.
  log(`${SIZES.oneSeatAttempts} parallel attempts on one seat`);
  const oneSeat = await runOneSeat(pool, appUrls, failures);

  const peaks = memory.stop();
  return {
    date: new Date().toISOString(),
    command: 'npm run bench',
    quick: QUICK,
    machine: await describeMachine(pool),
    config: {
      instances: apps.length,
      referenceServers: references.length,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      appEnv: APP_ENV,
      databasePoolSizePerInstance: 20,
      database: postgres ? 'embedded PostgreSQL (default settings, fsync on)' : 'DATABASE_URL',
      sizes: SIZES,
    },
    polling,
    breakdown,
    issuance: { ...issuance, reusedUsers },
    rush,
    oneSeat,
    memory: peaks,
    failures,
  };
}

async function runSaleRush(
  pool: Pool,
  appUrls: string[],
  failures: string[],
): Promise<BenchReport['rush']> {
  log(`rush: ${SIZES.rushBuyers} buyers for ${SIZES.rushSeats} seats`);
  // The catalogue through the admin API, as an operator would set up a sale.
  const concert = await request(appUrls[0], 'POST', '/admin/concerts', {
    headers: ADMIN,
    body: { name: 'Benchmark Live' },
  });
  if (concert.status !== 201) throw new Error(`POST /admin/concerts: ${concert.status}`);
  const created = await request(
    appUrls[1],
    'POST',
    `/admin/concerts/${concert.body.id}/performances`,
    {
      headers: ADMIN,
      body: {
        performance_datetime: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        max_seats: SIZES.rushSeats,
        price: 80,
      },
    },
  );
  if (created.status !== 201) {
    throw new Error(`POST performances: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const buyers = await insertBuyers(pool, SIZES.rushBuyers, {
    tokenStatus: 'none',
    balance: '200.00',
  });
  const sampler = sampleActiveTokens(pool, 100);
  const result = await runRush({
    instances: appUrls,
    userIds: buyers.map((buyer) => buyer.userId),
    performanceId: created.body.id,
    pollIntervalMs: SIZES.rushPollMs,
    concurrency: SIZES.rushConcurrency,
    deadlineMs: SIZES.rushDeadlineMs,
  });
  const active = await sampler.stop();
  const invariants = await checkInvariants(pool, {
    maxActive: QUEUE_MAX_ACTIVE,
    onePaymentPerUser: true,
  });
  // This sale's own figures (a given DATABASE_URL may hold earlier sales).
  const {
    rows: [sale],
  } = await pool.query<{ sold: number; payments: number }>(
    `SELECT count(*) FILTER (WHERE s.booked)::int AS sold, count(p.id)::int AS payments
     FROM performance_seats s LEFT JOIN payments p ON p.performance_seat_id = s.id
     WHERE s.concert_performance_id = $1`,
    [created.body.id],
  );

  const steps: BenchReport['rush']['steps'] = {};
  for (const step of ['issue', 'poll', 'seats', 'book', 'pay'] as const) {
    const records = result.records.filter((record) => record.step === step);
    steps[step] = {
      ...summarise(records.map((record) => record.ms)),
      statuses: countStatuses(records),
    };
  }
  const rate = (records: StepRecord[]) => {
    if (records.length < 2) return records.length;
    const seconds = (records[records.length - 1].at - records[0].at) / 1000;
    return records.length / Math.max(seconds, 0.001);
  };
  const booked = result.records.filter((r) => r.step === 'book' && r.status === 201);
  const paid = result.records.filter((r) => r.step === 'pay' && r.status === 200);

  if (invariants.violations.length > 0) failures.push(...invariants.violations);
  if (sale.sold !== sale.payments || sale.sold > SIZES.rushSeats) {
    failures.push(`rush: ${sale.sold} seats sold, ${sale.payments} payments`);
  }
  if (active.max > QUEUE_MAX_ACTIVE) failures.push(`active tokens peaked at ${active.max}`);
  if (result.failed > 0) failures.push(`rush: ${result.failed} buyers got unexpected answers`);
  if (result.bought !== SIZES.rushSeats) {
    failures.push(`rush: ${result.bought} of ${SIZES.rushSeats} seats bought`);
  }
  return {
    buyers: SIZES.rushBuyers,
    seats: SIZES.rushSeats,
    seconds: (result.endedAt - result.startedAt) / 1000,
    bought: result.bought,
    gaveUp: result.gaveUp,
    timedOut: result.timedOut,
    failed: result.failed,
    unexpected: result.unexpected.slice(0, 10),
    bookingsPerSecond: rate(booked),
    paymentsPerSecond: rate(paid),
    steps,
    maxActiveSampled: active.max,
    activeSamples: active.samples,
    cap: QUEUE_MAX_ACTIVE,
    invariants: {
      seatsSold: sale.sold,
      payments: sale.payments,
      violations: invariants.violations,
    },
  };
}

async function runOneSeat(
  pool: Pool,
  appUrls: string[],
  failures: string[],
): Promise<BenchReport['oneSeat']> {
  const { seatIds } = await insertPerformance(pool, { seats: 1 });
  const seatId = seatIds[0];
  // Already admitted (inserted straight as IN_PROGRESS): this measures the seat, not the line.
  const buyers = await insertBuyers(pool, SIZES.oneSeatAttempts);
  const started = performance.now();
  const results = await Promise.all(
    buyers.map((buyer, i) =>
      request(appUrls[i % appUrls.length], 'POST', `/performance_seats/${seatId}/book`, {
        token: buyer.token,
      }),
    ),
  );
  const settleMs = performance.now() - started;
  const statuses = countStatuses(results);
  const {
    rows: [{ n: liveHolds }],
  } = await pool.query(
    `SELECT count(*)::int AS n FROM performance_seat_book_info
     WHERE performance_seat_id = $1 AND token IS NOT NULL AND book_success_at IS NULL
       AND expires_at > $2`,
    [seatId, new Date()],
  );
  if (statuses['201'] !== 1 || liveHolds !== 1) {
    failures.push(`one seat: ${JSON.stringify(statuses)}, ${liveHolds} live holds`);
  }
  return {
    attempts: SIZES.oneSeatAttempts,
    settleMs,
    statuses,
    liveHolds,
    latency: summarise(results.map((result) => result.ms)),
  };
}

async function patchQueue(url: string, body: Record<string, unknown>): Promise<void> {
  const result = await request(url, 'PATCH', '/admin/queue', { headers: ADMIN, body });
  if (result.status !== 200) {
    throw new Error(`PATCH /admin/queue: ${result.status} ${JSON.stringify(result.body)}`);
  }
}

/** Peak resident memory per process: VmRSS sampled every 500 ms, and the kernel's VmHWM. */
function watchMemory(processes: AppProcess[]) {
  const peaks = new Map<string, number>();
  const read = (pid: number, field: string) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
      return match ? Number(match[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  };
  const sample = () => {
    for (const server of processes) {
      peaks.set(server.name, Math.max(peaks.get(server.name) ?? 0, read(server.pid, 'VmRSS')));
    }
  };
  const timer = setInterval(sample, 500);
  return {
    stop(): BenchReport['memory'] {
      clearInterval(timer);
      sample();
      return Object.fromEntries(
        processes.map((server) => [
          server.name,
          {
            peakRssMb: Math.round(peaks.get(server.name) ?? 0),
            hwmMb: Math.round(read(server.pid, 'VmHWM')),
          },
        ]),
      );
    },
  };
}

async function describeMachine(pool: Pool): Promise<BenchReport['machine']> {
  const cpus = os.cpus();
  const {
    rows: [{ version }],
  } = await pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    nproc: os.availableParallelism?.() ?? cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: version,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
