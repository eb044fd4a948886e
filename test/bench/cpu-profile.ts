import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A V8 .cpuprofile (what node --cpu-prof writes), the parts read here. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC on Linux, as process.hrtime). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  function: string;
  /** file:line, shortened to the package or the project path. */
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) samples. */
  percent: number;
}

/** The profile written into `dir` (the newest .cpuprofile), or undefined. */
export function findProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort();
  return files.length ? path.join(dir, files[files.length - 1]) : undefined;
}

/**
 * The functions with the most self time, summed over every node of the same function, over
 * the samples taken within `window` (process.hrtime.bigint() values of this machine, which
 * share the profile's monotonic clock); the whole profile when no sample falls in it.
 */
export function topSelfTime(
  file: string,
  window?: { fromNs: bigint; toNs: bigint },
  top = 15,
): {
  busyMs: number;
  idleMs: number;
  windowOnly: boolean;
  functions: HotFunction[];
  /** Self time by package (node_modules/<package>), node core, the app, or native/GC. */
  byPackage: { package: string; selfMs: number; percent: number }[];
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, { fn: string; where: string; us: number }>();
  const packages = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  const times: number[] = [];
  let clock = profile.startTime;
  for (const deltaUs of profile.timeDeltas) times.push((clock += deltaUs));
  const from = window ? Number(window.fromNs / 1000n) : -Infinity;
  const to = window ? Number(window.toNs / 1000n) : Infinity;
  const windowOnly = times.some((t) => t >= from && t <= to);
  profile.samples.forEach((id, i) => {
    if (windowOnly && (times[i] < from || times[i] > to)) return;
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id);
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      return;
    }
    busyUs += us;
    const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : '';
    const fn = frame.functionName || '(anonymous)';
    const group = packageOf(frame.url, fn);
    packages.set(group, (packages.get(group) ?? 0) + us);
    const key = `${fn}@${where}`;
    const entry = self.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    self.set(key, entry);
  });
  const functions = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((entry) => ({
      function: entry.fn,
      where: entry.where,
      selfMs: Math.round(entry.us / 1000),
      percent: busyUs > 0 ? Math.round((entry.us / busyUs) * 1000) / 10 : 0,
    }));
  const share = (us: number) => (busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0);
  const byPackage = [...packages.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ package: name, selfMs: Math.round(us / 1000), percent: share(us) }));
  return {
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    windowOnly,
    functions,
    byPackage,
  };
}

function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : 'native bindings (e.g. socket writev)';
  if (url.startsWith('node:')) return 'node core';
  const clean = url.replace(/^file:\/\//, '');
  const modules = clean.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = clean.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return 'the app';
}

function shorten(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const modules = clean.lastIndexOf('node_modules/');
  if (modules >= 0) return clean.slice(modules + 'node_modules/'.length);
  const dist = clean.indexOf('/dist/');
  if (dist >= 0) return clean.slice(dist + 1);
  return clean;
}
