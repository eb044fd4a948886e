import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) used so far by each process of each named group, by pid: a
 * difference is taken process by process, so that one that ends in between (a backend whose
 * pool closed it, an autovacuum worker) cannot make a group's sum go down.
 */
export type CpuReading = Record<string, Record<string, number>>;

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
 * The CPU time each process of each named group has used so far; `postgres` holds every
 * process named postgres on the machine (the server and its backends: run nothing else on
 * another PostgreSQL meanwhile), `bench` is this process (the load generator).
 * null where /proc is not there (not Linux).
 */
export function readCpu(groups: Record<string, number[]>): CpuReading | null {
  const own = cpuMsOf(process.pid);
  if (own === null) return null;
  const reading: CpuReading = { bench: { [process.pid]: own }, postgres: {} };
  for (const [group, pids] of Object.entries(groups)) {
    reading[group] = {};
    for (const pid of pids) {
      const ms = cpuMsOf(pid);
      if (ms !== null) reading[group][pid] = ms;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    const ms = name === 'postgres' ? cpuMsOf(entry) : null;
    if (ms !== null) reading.postgres[entry] = ms;
  }
  return reading;
}

/**
 * CPU ms per request of each group between two readings: the sum over the group's processes
 * alive at the second reading of what each used since the first (all of it for one started in
 * between). A process that ended in between is not counted. Resolution: 10 ms per process per
 * reading.
 */
export function cpuPerRequest(
  before: CpuReading | null,
  after: CpuReading | null,
  requests: number,
): Record<string, number> | null {
  if (!before || !after || requests <= 0) return null;
  return Object.fromEntries(
    Object.entries(after).map(([group, processes]) => [
      group,
      Object.entries(processes).reduce(
        (sum, [pid, ms]) => sum + Math.max(0, ms - (before[group]?.[pid] ?? 0)),
        0,
      ) / requests,
    ]),
  );
}
