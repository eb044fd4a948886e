import type { BenchReport } from './bench';

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
  lines.push(
    'How load is spread: each autocannon load opens half its connections to each instance ' +
      '(two runs in parallel); the rush and the one-seat race send their n-th request to ' +
      'instance n mod 2. The reference server (bare Fastify, one indexed SELECT per request ' +
      'through pg, same pool size) also runs as 2 processes and gets the same load.',
  );
  lines.push('');
  lines.push(
    `### token_info polling (${report.config.connections} connections, ${report.config.durationS} s, split over 2 instances)`,
  );
  lines.push('');
  lines.push('| tokens queued | server | req/s | p50 ms | p95 ms | p99 ms | vs reference |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of report.polling) {
    for (const [name, result] of [
      ['service', row.app],
      ['reference', row.reference],
    ] as const) {
      lines.push(
        `| ${row.queued.toLocaleString('en')} | ${name} | ${rate(result.rps)} | ${ms(result.p50)} | ` +
          `${ms(result.p95)} | ${ms(result.p99)} | ${name === 'service' ? `${(row.ratio * 100).toFixed(0)} %` : '100 %'} |`,
      );
    }
  }
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
  const issuance = report.issuance;
  lines.push('### Token issuance (POST /user_queue_tokens, distinct users)');
  lines.push('');
  lines.push('| req/s | p50 ms | p95 ms | p99 ms | statuses |');
  lines.push('| ---: | ---: | ---: | ---: | --- |');
  lines.push(
    `| ${rate(issuance.rps)} | ${ms(issuance.p50)} | ${ms(issuance.p95)} | ${ms(issuance.p99)} | ${statuses(issuance.statuses)} |`,
  );
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
  const one = report.oneSeat;
  lines.push(`### ${one.attempts.toLocaleString('en')} parallel attempts on one seat`);
  lines.push('');
  lines.push(
    `Settled in ${ms(one.settleMs)} ms (p50 ${ms(one.latency.p50)} ms, p99 ${ms(one.latency.p99)} ms); ` +
      `${statuses(one.statuses)}; live holds on the seat: ${one.liveHolds}.`,
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
  lines.push(
    report.failures.length === 0
      ? `All checks passed. Total run time ${report.totalSeconds ?? '?'} s.`
      : `FAILED checks: ${report.failures.join('; ')}`,
  );
  lines.push('');
  return lines.join('\n');
}
