import type { BenchReport, PartialBenchReport, PollingRun, TargetResult } from './bench';
import { openingWritten } from './opening';

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const rate = (value: number) => value.toFixed(0);
const statuses = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([status, n]) => `${status === '0' ? 'no answer' : status}: ${n}`)
    .join(', ');

/** The benchmark's figures as Markdown, ready for the README. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`## Benchmark (${report.date.slice(0, 10)}${report.quick ? ', quick run' : ''})`);
  lines.push('');
  lines.push(
    `Machine: ${m.nproc} vCPU (${m.cpuModel}), ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}, ` +
      `PostgreSQL ${m.postgres}. Command: \`${report.command}\`. Load generator (autocannon), ` +
      `2 service instances, 2 reference servers and PostgreSQL all share this machine.`,
  );
  lines.push('');
  lines.push('### Targets (issue 9, issue 10 item 5, issue 11 item 2; ratios from this run)');
  lines.push('');
  lines.push(...targetsTable(report.targets));
  lines.push('');
  lines.push(
    report.statementStats.available
      ? "Database statements are counted with pg_stat_statements (the bench's own queries " +
          'left out; the background jobs, measured over an idle period as long, subtracted).'
      : `Database statements not counted: pg_stat_statements unavailable ` +
          `(${report.statementStats.reason}); transactions come from pg_stat_database.`,
  );
  lines.push('');
  lines.push(
    'How load is spread: each autocannon load opens half its connections to each instance ' +
      '(two runs in parallel); the rush and the one-seat race send their n-th request to ' +
      'instance n mod 2. The reference server (bare Fastify + pg, same pool size, one statement ' +
      'per request: an indexed SELECT by token, an INSERT of a token, or a single-row UPDATE) ' +
      'also runs as 2 processes and gets the same load.',
  );
  lines.push('');
  lines.push(
    `### token_info polling (${report.config.connections} connections, ${report.config.durationS} s, split over 2 instances)`,
  );
  lines.push('');
  lines.push(
    'Each run polls distinct tokens spread evenly over the line, round-robin, after a warm-up ' +
      'that polls every one of them once on every instance, then a short run (steady state: each ' +
      'instance has its own token cache).',
  );
  lines.push('');
  lines.push(
    '| tokens queued | distinct tokens | server | req/s | p50 ms | p95 ms | p99 ms | vs reference | statements / poll | transactions / poll |',
  );
  lines.push('| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of report.polling) {
    for (const [name, result] of [
      ['service', row.app],
      ['reference', row.reference],
    ] as const) {
      const db = name === 'service' ? row.database : undefined;
      lines.push(
        `| ${row.queued.toLocaleString('en')} | ${row.distinctTokens.toLocaleString('en')} | ${name} | ` +
          `${rate(result.rps)} | ${ms(result.p50)} | ${ms(result.p95)} | ${ms(result.p99)} | ` +
          `${name === 'service' ? `${(row.ratio * 100).toFixed(0)} %` : '100 %'} | ` +
          `${db?.statementsPerPoll != null ? db.statementsPerPoll.toFixed(3) : ''} | ` +
          `${db ? db.transactionsPerPoll.toFixed(3) : ''} |`,
      );
    }
  }
  lines.push('');
  lines.push(...pollingCpuTable(report.polling));
  const memoryAtBig = Object.entries(report.memoryAtBigQueue)
    .map(([name, peak]) => `${name} ${peak.hwmMb} MB (RSS now ${peak.rssMb} MB)`)
    .join(', ');
  lines.push(
    `Peak memory (VmHWM) with ${report.polling[report.polling.length - 1].queued.toLocaleString('en')} queued, after this polling and the crowd of waiters below: ${memoryAtBig}.`,
  );
  lines.push('');
  lines.push('Where the time of a poll goes (same load, both instances):');
  lines.push('');
  lines.push('| server | request | req/s | p50 ms | p99 ms |');
  lines.push('| --- | --- | ---: | ---: | ---: |');
  for (const row of report.breakdown) {
    lines.push(
      `| ${row.server} | ${row.request} | ${rate(row.rps)} | ${ms(row.p50)} | ${ms(row.p99)} |`,
    );
  }
  lines.push('');
  const joins = report.joins;
  lines.push(
    `### Joining (POST /user_queue_tokens): ${joins.users.toLocaleString('en')} distinct users in a burst`,
  );
  lines.push('');
  lines.push('| server | req/s | p50 ms | p95 ms | p99 ms | statuses |');
  lines.push('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const [name, result] of [
    ['service', joins.app],
    ['reference (one INSERT)', joins.reference],
  ] as const) {
    lines.push(
      `| ${name} | ${rate(result.rps)} | ${ms(result.p50)} | ${ms(result.p95)} | ${ms(result.p99)} | ${statuses(result.statuses)}${result.errors ? `, ${result.errors} errors` : ''} |`,
    );
  }
  lines.push('');
  lines.push(
    `Service / reference: ${joins.ratio.toFixed(2)} ×; live tokens created ${joins.liveTokensCreated.toLocaleString('en')}. ` +
      `${joins.oneUser.joins} concurrent joins for one user: ${statuses(joins.oneUser.statuses)}, ` +
      `${joins.oneUser.tokens} distinct token(s) answered, ${joins.oneUser.live} live token(s) in the database.`,
  );
  lines.push('');
  const w = report.waiters;
  lines.push(
    `### A polling crowd: ${w.waiters.toLocaleString('en')} waiters, each polled every ${(w.waiters / w.targetPollsPerSecond).toFixed(0)} s, admission at ${w.admitPerMinute}/min`,
  );
  lines.push('');
  lines.push(
    `Over ${w.seconds.toFixed(0)} s: polls ${rate(w.achievedPollsPerSecond)}/s achieved of ${rate(w.targetPollsPerSecond)}/s asked ` +
      `(p50 ${ms(w.p50)} ms, p99 ${ms(w.p99)} ms; ${statuses(w.statuses)}); ` +
      `${w.admissions} admissions (${w.admissionsPerSecond.toFixed(1)}/s); row updates on user_queue_tokens ` +
      `${w.tokenUpdatesPerSecond.toFixed(1)}/s (pg_stat_user_tables n_tup_upd, of which HOT ${w.tokenHotUpdatesPerSecond.toFixed(1)}/s).`,
  );
  lines.push('');
  const s = report.streams;
  lines.push('### Live-position streams (GET /user_queue_tokens/events)');
  lines.push('');
  if (!s.available) {
    lines.push(`Not available: ${s.reason}.`);
  } else {
    lines.push(
      `${s.opened.toLocaleString('en')} of ${s.requested.toLocaleString('en')} streams open on ${s.instance} ` +
        `(open-files limit ${s.fdLimit}; first event p99 ${ms(s.firstEventP99Ms)} ms` +
        `${Object.keys(s.failedToOpen).length ? `; not opened: ${statuses(s.failedToOpen)}` : ''}); ` +
        `peak RSS ${s.peakRssMb} MB. Database statements/s (steady state, once all were open) with 0 streams: ` +
        `${s.statementsPerSecond.without?.toFixed(1) ?? 'n/a'}, with them: ${s.statementsPerSecond.with?.toFixed(1) ?? 'n/a'} ` +
        `(transactions/s ${s.transactionsPerSecond.without.toFixed(1)} and ${s.transactionsPerSecond.with.toFixed(1)}). ` +
        `${s.admitted} streaming tokens admitted, ${s.admittedSeen} saw IN_PROGRESS; delay from activated_at: ` +
        `p50 ${ms(s.delayMs.p50)} ms, p95 ${ms(s.delayMs.p95)} ms, p99 ${ms(s.delayMs.p99)} ms, max ${ms(s.delayMs.max)} ms.`,
    );
  }
  lines.push('');
  const rush = report.rush;
  lines.push(
    `### Sale-open rush: ${rush.buyers.toLocaleString('en')} buyers, ${rush.seats} seats, ` +
      `cap ${rush.cap} active tokens`,
  );
  lines.push('');
  lines.push(
    `${rush.bought} seats bought in ${rush.seconds.toFixed(1)} s ` +
      `(${rush.gaveUp} buyers gave up when sold out, ${rush.timedOut} timed out, ${rush.failed} failed); ` +
      `bookings ${rush.bookingsPerSecond.toFixed(1)}/s, payments ${rush.paymentsPerSecond.toFixed(1)}/s ` +
      `(first to last).`,
  );
  lines.push('');
  lines.push('| step | requests | p50 ms | p95 ms | p99 ms | statuses |');
  lines.push('| --- | ---: | ---: | ---: | ---: | --- |');
  const names: Record<string, string> = {
    issue: 'POST /user_queue_tokens',
    poll: 'GET token_info (every 200 ms)',
    seats: 'GET /performance_seats',
    book: 'POST .../book',
    pay: 'POST .../pay',
  };
  for (const [step, summary] of Object.entries(rush.steps)) {
    lines.push(
      `| ${names[step] ?? step} | ${summary.count} | ${ms(summary.p50)} | ${ms(summary.p95)} | ` +
        `${ms(summary.p99)} | ${statuses(summary.statuses)} |`,
    );
  }
  lines.push('');
  const ok = rush.invariants.violations.length === 0;
  lines.push(
    `Invariants (SQL, after the rush): seats sold ${rush.invariants.seatsSold} = payments ` +
      `${rush.invariants.payments} <= ${rush.seats}; no user charged twice, every balance equals ` +
      `its ledger, no seat paid twice: **${ok ? 'hold' : `BROKEN: ${rush.invariants.violations.join('; ')}`}**. ` +
      `Active tokens sampled every 100 ms (${rush.activeSamples} samples): max ${rush.maxActiveSampled} ` +
      `(cap ${rush.cap}).`,
  );
  lines.push('');
  const e = rush.estimates;
  lines.push(
    `Wait estimates (first poll still IN_QUEUE, ${e.firstPolls} buyers; ${e.nullEstimates} had no estimate): ` +
      (e.medianRelativeError === null
        ? 'no buyer measurable.'
        : `${e.measured} measured; relative error |estimate - wait| / wait (a wait under 1 s counted as 1 s) median ` +
          `${(e.medianRelativeError * 100).toFixed(0)} %, p90 ${((e.p90RelativeError ?? 0) * 100).toFixed(0)} %; ` +
          `median estimate ${e.medianEstimateSeconds?.toFixed(1)} s, median wait ${e.medianActualSeconds?.toFixed(1)} s ` +
          "(the wait: from the first poll until the admission, the token's `activated_at`). " +
          'Against the wait until a poll, every 200 ms, saw IN_PROGRESS (the definition before ' +
          `2026-11-27): median ${((e.seenByPoll.medianRelativeError ?? 0) * 100).toFixed(0)} %, ` +
          `p90 ${((e.seenByPoll.p90RelativeError ?? 0) * 100).toFixed(0)} %, median wait ` +
          `${e.seenByPoll.medianActualSeconds?.toFixed(1)} s.`),
  );
  lines.push('');
  const c = report.capacity;
  lines.push(
    `### Booking and payment with admission out of the way: ${c.buyers.toLocaleString('en')} admitted buyers, ${c.connections} connections`,
  );
  lines.push('');
  lines.push(
    'Each buyer books its own seat, then all pay, on the two instances; the reference does one ' +
      'single-row UPDATE per request, before the booking and again after the payment (the ratio ' +
      'is against both runs together).',
  );
  lines.push('');
  lines.push('| step | req/s | p50 ms | p95 ms | p99 ms | statuses | vs reference |');
  lines.push('| --- | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const [name, result, ratio] of [
    ['POST .../book', c.booking, c.bookingRatio],
    ['POST .../pay', c.payment, c.paymentRatio],
    ['reference: one UPDATE (before)', c.referenceRuns[0], c.referenceRuns[0].rps / c.referenceRps],
    ['reference: one UPDATE (after)', c.referenceRuns[1], c.referenceRuns[1].rps / c.referenceRps],
  ] as const) {
    lines.push(
      `| ${name} | ${rate(result.rps)} | ${ms(result.p50)} | ${ms(result.p95)} | ${ms(result.p99)} | ${statuses(result.statuses)} | ${(ratio * 100).toFixed(0)} % |`,
    );
  }
  lines.push('');
  const cpu = c.cpuMsPerRequest;
  if (cpu.booking && cpu.payment && cpu.reference && cpu.referenceAgain) {
    const sides = [
      ['POST .../book', cpu.booking],
      ['POST .../pay', cpu.payment],
      ['reference (before)', cpu.reference],
      ['reference (after)', cpu.referenceAgain],
    ] as const;
    const total = (side: Record<string, number>) =>
      Object.values(side).reduce((sum, value) => sum + value, 0);
    lines.push(
      'CPU time per request, by process (user + system, from `/proc`, 10 ms resolution per ' +
        'process): where the time goes on the two shared cores.',
    );
    lines.push('');
    lines.push(
      '| step | instances ms | reference server ms | PostgreSQL ms | load generator ms | total ms |',
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, side] of sides) {
      lines.push(
        `| ${name} | ${side.instances.toFixed(3)} | ${side.reference.toFixed(3)} | ${side.postgres.toFixed(3)} | ${side.bench.toFixed(3)} | ${total(side).toFixed(3)} |`,
      );
    }
    lines.push('');
  }
  if (c.profile) {
    lines.push(
      `Where the time goes (${c.profile.instance}, CPU profile ${c.profile.windowOnly ? 'during its own pass of booking and payment, a third instance alone' : 'over its whole life'}: ${c.profile.busyMs} ms busy, ` +
        `${c.profile.idleMs} ms idle); the functions with the most self time:`,
    );
    lines.push('');
    lines.push('| function | where | self ms | % of busy |');
    lines.push('| --- | --- | ---: | ---: |');
    for (const fn of c.profile.functions) {
      lines.push(`| ${fn.function} | ${fn.where} | ${fn.selfMs} | ${fn.percent} % |`);
    }
    lines.push('');
    lines.push('The same self time by package:');
    lines.push('');
    lines.push('| package | self ms | % of busy |');
    lines.push('| --- | ---: | ---: |');
    for (const group of c.profile.byPackage.slice(0, 12)) {
      lines.push(`| ${group.package} | ${group.selfMs} | ${group.percent} % |`);
    }
  } else {
    lines.push(`No CPU profile: ${c.profileError}.`);
  }
  lines.push('');
  const one = report.oneSeat;
  lines.push(`### ${one.attempts.toLocaleString('en')} parallel attempts on one seat`);
  lines.push('');
  lines.push(
    `Settled in ${ms(one.settleMs)} ms (p50 ${ms(one.latency.p50)} ms, p99 ${ms(one.latency.p99)} ms); ` +
      `${statuses(one.statuses)}; live holds on the seat: ${one.liveHolds}.`,
  );
  lines.push('');
  const open = report.opening;
  lines.push(
    `### Fair opening: ${open.prequeued.toLocaleString('en')} pre-queued tokens placed at the opening`,
  );
  lines.push('');
  lines.push(
    `Places shown to every sampled client ${open.shuffleSeconds.toFixed(1)} s after the opening ` +
      `(target under 30 s; places drawn, the flag flipped, after ${open.flagSeconds.toFixed(1)} s); ` +
      `every key written in the rows ${openingWritten(open)}; ` +
      `every token placed once: ${open.placedOnce} (${open.placement.placed.toLocaleString('en')} placed of ${open.placement.prequeuedAtOpening.toLocaleString('en')} pre-queued at the opening); later arrivals behind the pre-queue: ${open.behindThePrequeue}.`,
  );
  lines.push('');
  lines.push('| during | token_info req/s | p99 ms | statuses | joins req/s | join statuses |');
  lines.push('| --- | ---: | ---: | --- | ---: | --- |');
  lines.push(
    `| before the opening | ${Math.round(open.pollsBefore.rps)} | ${ms(open.pollsBefore.p99)} | ${statuses(open.pollsBefore.statuses)} | | |`,
  );
  lines.push(
    `| after the opening | ${Math.round(open.pollsDuring.rps)} | ${ms(open.pollsDuring.p99)} | ${statuses(open.pollsDuring.statuses)} | ${Math.round(open.joinsDuring.rps)} | ${statuses(open.joinsDuring.statuses)} |`,
  );
  lines.push('');
  lines.push('### Peak memory (RSS)');
  lines.push('');
  lines.push('| process | peak RSS MB (sampled) | VmHWM MB |');
  lines.push('| --- | ---: | ---: |');
  for (const [name, peak] of Object.entries(report.memory)) {
    lines.push(`| ${name} | ${peak.peakRssMb} | ${peak.hwmMb} |`);
  }
  lines.push('');
  lines.push(outcomeLine(report));
  lines.push('');
  return lines.join('\n');
}

/**
 * A run of some scenarios only (BENCH_ONLY): the targets they judge, the polling table and
 * its busiest statements when polling ran; every figure is in the JSON.
 */
export function renderPartial(report: PartialBenchReport): string {
  const lines: string[] = [];
  lines.push(
    `## Benchmark, partial run (${report.date.slice(0, 10)}${report.quick ? ', quick' : ''}): ` +
      `${(report.only ?? []).join(', ')}`,
  );
  lines.push('');
  lines.push(
    `Command: \`${report.command}\`. Only these scenarios ran; the JSON has every figure.`,
  );
  lines.push('');
  lines.push(...targetsTable(report.targets));
  lines.push('');
  for (const row of report.polling ?? []) {
    const db = row.database;
    lines.push(
      `token_info, ${row.queued.toLocaleString('en')} queued, ${row.distinctTokens.toLocaleString('en')} tokens: ` +
        `service ${rate(row.app.rps)} req/s (p99 ${ms(row.app.p99)} ms), reference ${rate(row.reference.rps)} req/s ` +
        `(p99 ${ms(row.reference.p99)} ms); statements/poll ${db?.statementsPerPoll?.toFixed(3) ?? 'n/a'}, ` +
        `transactions/poll ${db?.transactionsPerPoll.toFixed(3) ?? 'n/a'}.`,
    );
    for (const statement of db?.topStatements ?? []) {
      lines.push(`  - ${statement.calls} × \`${statement.query}\``);
    }
    lines.push('');
  }
  const s = report.streams;
  if (s?.available) {
    lines.push(
      `Streams: ${s.opened.toLocaleString('en')} open on ${s.instance}, peak RSS ${s.peakRssMb} MB; ` +
        `memory before ${JSON.stringify(s.memoryBefore)}, with them ${JSON.stringify(s.memoryWith)}.`,
    );
    lines.push('');
  }
  const w = report.waiters;
  if (w?.tokenWrites?.length) {
    lines.push(`Writes to user_queue_tokens during the crowd (${w.seconds.toFixed(0)} s):`);
    for (const write of w.tokenWrites) {
      lines.push(`  - ${write.rows} rows in ${write.calls} × \`${write.query}\``);
    }
    lines.push('');
  }
  if (report.memoryAtBigQueue) {
    lines.push(
      `Peak memory (VmHWM) after the big-line scenarios: ${Object.entries(report.memoryAtBigQueue)
        .map(
          ([name, peak]) =>
            `${name} ${peak.hwmMb} MB (RSS now ${peak.rssMb} MB` +
            `${peak.now ? `; V8 heap used ${peak.now.heapUsedMb} of ${peak.now.heapTotalMb} MB, external ${peak.now.externalMb} MB` : ''})`,
        )
        .join(', ')}.`,
    );
    lines.push('');
  }
  lines.push(outcomeLine(report));
  lines.push('');
  return lines.join('\n');
}

/** The targets table: the figure, the target and pass, miss or not measured. */
function targetsTable(targets: TargetResult[]): string[] {
  const rows = ['| target | what | figure | target | result |', '| --- | --- | --- | --- | --- |'];
  for (const target of targets) {
    const result = target.pass === null ? 'not measured' : target.pass ? 'pass' : '**MISS**';
    rows.push(
      `| ${target.id} | ${target.name} | ${target.figure} | ${target.target} | ${result} |`,
    );
  }
  return rows;
}

/** The last line of a report: every check passed (and the run time), or the failed ones. */
function outcomeLine(report: { failures: string[]; totalSeconds?: number }): string {
  return report.failures.length === 0
    ? `All checks passed. Total run time ${report.totalSeconds ?? '?'} s.`
    : `FAILED checks: ${report.failures.join('; ')}`;
}

/** CPU time per poll by process, each side during its own measured run (none without /proc). */
function pollingCpuTable(polling: PollingRun[]): string[] {
  const rows = polling.flatMap((run) =>
    (['service', 'reference'] as const).flatMap((side) => {
      const cpu = run.cpuMsPerRequest?.[side];
      return cpu ? [{ run, side, cpu }] : [];
    }),
  );
  if (rows.length === 0) return [];
  const lines = [
    'CPU time per poll, by process (user + system, from `/proc`), each side during its own run:',
    '',
    '| tokens queued | server | instances ms | reference server ms | PostgreSQL ms | load generator ms | total ms |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { run, side, cpu } of rows) {
    const total = Object.values(cpu).reduce((sum, value) => sum + value, 0);
    lines.push(
      `| ${run.queued.toLocaleString('en')} | ${side} | ${cpu.instances.toFixed(3)} | ${cpu.reference.toFixed(3)} | ${cpu.postgres.toFixed(3)} | ${cpu.bench.toFixed(3)} | ${total.toFixed(3)} |`,
    );
  }
  lines.push('');
  return lines;
}
