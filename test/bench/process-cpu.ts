import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, ms) of each group of processes, read from /proc. */
export type CpuReading = Record<string, number>;

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

function cpuMsOf(pid: number | string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces), from field 3 (state) on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/**
 * The CPU time each named group of processes has used so far; `postgres` sums every process
 * named postgres on the machine (the server and its backends: run nothing else on another
 * PostgreSQL meanwhile), `bench` is this process (the load generator).
 * null where /proc is not there (not Linux).
 */
export function readCpu(groups: Record<string, number[]>): CpuReading | null {
  if (cpuMsOf(process.pid) === null) return null;
  const reading: CpuReading = { bench: cpuMsOf(process.pid) ?? 0, postgres: 0 };
  for (const [group, pids] of Object.entries(groups)) {
    reading[group] = pids.reduce((sum, pid) => sum + (cpuMsOf(pid) ?? 0), 0);
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (name === 'postgres') reading.postgres += cpuMsOf(entry) ?? 0;
  }
  return reading;
}

/**
 * CPU ms per request of each group between two readings (backends that ended in between are
 * not counted: the pools keep theirs open). Resolution: 10 ms per process per reading.
 */
export function cpuPerRequest(
  before: CpuReading | null,
  after: CpuReading | null,
  requests: number,
): Record<string, number> | null {
  if (!before || !after || requests <= 0) return null;
  return Object.fromEntries(
    Object.keys(after).map((group) => [
      group,
      Math.max(0, after[group] - (before[group] ?? 0)) / requests,
    ]),
  );
}
