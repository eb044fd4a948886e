import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStreams } from '../process/support/sse-client';
import { findProfile, topSelfTime } from './cpu-profile';
import { topStatementDeltas } from '../process/support/db-stats';
import { loadTest, pollEach, summarise } from './load-test';
import { cpuPerRequest, readCpu } from './process-cpu';
import { parseOnly } from './scenarios';

/** The benchmark's own measuring tools: what they count must be right before any figure is. */
describe('bench helpers', () => {
  describe('openStreams (server-sent events client)', () => {
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
        if (token === 'unknown') {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"message":"Token is invalid"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: token_info\ndata: {"status":"IN_QUEUE","position":3}\n\n');
        // A heartbeat, then an event split over two chunks with CRLF line ends, then the last
        // one; each write after the previous one (timers of different lengths may reorder).
        const rest = [
          ': keep-alive\n\n',
          'event: token_info\r\ndata: {"status":"IN_PRO',
          'GRESS","position":null}\r\n\r\n',
          'event: token_info\ndata: {"status":"EXPIRED"}\n\n',
        ];
        const next = () => {
          const chunk = rest.shift();
          if (chunk === undefined) res.end();
          else {
            res.write(chunk);
            setTimeout(next, 20);
          }
        };
        setTimeout(next, 20);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('keeps each stream’s events and when each status was first seen', async () => {
      const tokens = Array.from({ length: 300 }, (_, i) => `t${i}`);
      const set = openStreams(url, [...tokens, 'unknown'], { openPerBatch: 50 });
      await set.ready(10_000);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && set.streams.some((s) => !s.closed)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      set.close();
      const ok = set.streams.filter((s) => s.token !== 'unknown');
      expect([
        ...new Set(ok.map((s) => `${s.status} ${s.events} ${s.lastStatus} ${s.error}`)),
      ]).toEqual(['200 3 EXPIRED undefined']);
      expect(ok.every((s) => s.lastStatus === 'EXPIRED' && s.closed)).toBe(true);
      for (const s of ok) {
        expect(s.firstEventAt).toBe(s.statusSeenAt.IN_QUEUE);
        expect(s.statusSeenAt.IN_PROGRESS).toBeGreaterThanOrEqual(s.statusSeenAt.IN_QUEUE);
        expect(s.statusSeenAt.EXPIRED).toBeGreaterThanOrEqual(s.statusSeenAt.IN_PROGRESS);
      }
      const refused = set.streams.find((s) => s.token === 'unknown');
      expect(refused).toMatchObject({ status: 401, events: 0, closed: true });
      expect(refused?.firstEventAt).toBeUndefined();
    });
  });

  describe('topSelfTime (a node --cpu-prof profile)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-spec-'));
      const frame = (functionName: string, url = '', lineNumber = -1) => ({
        functionName,
        url,
        lineNumber,
        scriptId: '0',
        columnNumber: 0,
      });
      writeFileSync(
        path.join(dir, 'CPU.1.cpuprofile'),
        JSON.stringify({
          nodes: [
            { id: 1, callFrame: frame('(root)') },
            { id: 2, callFrame: frame('(idle)') },
            { id: 3, callFrame: frame('hot', 'file:///app/node_modules/pg/lib/client.js', 9) },
            // The same function reached by another path: summed with node 3.
            { id: 4, callFrame: frame('hot', 'file:///app/node_modules/pg/lib/client.js', 9) },
            { id: 5, callFrame: frame('', 'file:///app/dist/main.js', 0) },
          ],
          startTime: 1_000_000,
          // Sample i is taken at 1,000,000 + sum of the deltas up to i (microseconds).
          samples: [3, 4, 2, 5, 3, 3],
          timeDeltas: [1_000, 1_000, 5_000, 2_000, 1_000, 1_000],
        }),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('sums self time by function, leaves idle out, and keeps to the window', () => {
      const file = findProfile(dir) as string;
      expect(file).toBe(path.join(dir, 'CPU.1.cpuprofile'));
      const whole = topSelfTime(file);
      expect(whole).toMatchObject({ busyMs: 6, idleMs: 5, windowOnly: true });
      expect(whole.functions).toEqual([
        { function: 'hot', where: 'pg/lib/client.js:10', selfMs: 4, percent: 66.7 },
        { function: '(anonymous)', where: 'dist/main.js:1', selfMs: 2, percent: 33.3 },
      ]);
      expect(whole.byPackage).toEqual([
        { package: 'pg', selfMs: 4, percent: 66.7 },
        { package: 'the app', selfMs: 2, percent: 33.3 },
      ]);
      // Samples at 1,001,000 ... 1,011,000 µs; the window 1,008,000-1,011,000 µs keeps the
      // last three (the anonymous one and two of `hot`).
      const window = topSelfTime(file, { fromNs: 1_008_000_000n, toNs: 1_011_000_000n });
      expect(window.busyMs).toBe(4);
      expect(window.functions.map((f) => [f.function, f.selfMs]).sort()).toEqual([
        ['(anonymous)', 2],
        ['hot', 2],
      ]);
      // A window no sample falls in (another clock): the whole profile, said so.
      expect(topSelfTime(file, { fromNs: 1n, toNs: 2n })).toMatchObject({
        windowOnly: false,
        busyMs: 6,
      });
    });
  });

  it('summarise takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarise(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(summarise([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
  describe('pollEach (the polling warm-up)', () => {
    it('sends token_info exactly once for every token, whatever the concurrency', async () => {
      const seen: string[] = [];
      const server = http.createServer((req, res) => {
        seen.push(String(req.headers['x-reservation-token']));
        res.writeHead(req.url === '/user_queue_tokens/token_info' ? 200 : 404);
        res.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const tokens = Array.from({ length: 503 }, (_, i) => `token-${i}`);
        expect(await pollEach(url, tokens, 7)).toEqual({ '200': 503 });
        expect([...seen].sort()).toEqual([...tokens].sort());
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('loadTest', () => {
    it('times a burst (amount) to its last response, not to autocannon’s next whole second', async () => {
      const server = http.createServer((_req, res) => {
        res.writeHead(200);
        res.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const before = process.hrtime.bigint();
        const result = await loadTest({
          targets: [url, url],
          connections: 4,
          durationS: 10,
          amount: 40,
          method: 'GET',
          path: '/',
          prepare: () => ({}),
        });
        const elapsedS = Number(process.hrtime.bigint() - before) / 1e9;
        expect(result.statuses).toEqual({ '200': 40 });
        // autocannon's own duration would be a whole second or more here.
        expect(result.durationS).toBeLessThan(Math.min(elapsedS, 0.9));
        expect(result.rps).toBeGreaterThan(40 / elapsedS);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('parseOnly (BENCH_ONLY)', () => {
    it('is a full run when unset or empty', () => {
      expect(parseOnly(undefined)).toBeNull();
      expect(parseOnly(' ')).toBeNull();
    });

    it('takes a comma-separated list of scenarios, in any case and spacing', () => {
      expect(parseOnly('polling, Joins,,waiters')).toEqual(
        new Set(['polling', 'joins', 'waiters']),
      );
    });

    it('refuses an unknown scenario, naming it and the known ones', () => {
      expect(() => parseOnly('polling,pooling')).toThrow(
        /unknown scenario\(s\) pooling; known: polling,/,
      );
    });
  });

  describe('topStatementDeltas', () => {
    it('lists the statements called most between two readings, new ones included', () => {
      const before = new Map([
        ['SELECT 1', 10],
        ['SELECT   token\n FROM t', 5],
      ]);
      const after = new Map([
        ['SELECT 1', 10],
        ['SELECT   token\n FROM t', 45],
        ['UPDATE t SET x = 1', 7],
      ]);
      expect(topStatementDeltas(before, after, 5)).toEqual([
        { query: 'SELECT token FROM t', calls: 40 },
        { query: 'UPDATE t SET x = 1', calls: 7 },
      ]);
      expect(topStatementDeltas(before, after, 1)).toHaveLength(1);
      expect(topStatementDeltas(null, after, 5)).toEqual([]);
    });
  });
  describe('readCpu / cpuPerRequest (CPU time per request by process, from /proc)', () => {
    it("counts this process's own CPU time as `bench` and divides a difference by the requests", () => {
      const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
      // Node's own count around each reading: walking /proc costs CPU too, more so on a busy
      // machine with many processes, so the readings' difference lies between Node's count
      // from the end of the first reading to the start of the second, and from the start of the
      // first to the end of the second.
      const outerStart = process.cpuUsage();
      const before = readCpu({ self: [process.pid] });
      const innerStart = process.cpuUsage();
      expect(before).not.toBeNull();
      // 100 ms of this process's CPU by Node's own count: well above the 10 ms tick of /proc's
      // counters.
      let spins = 0;
      while (ms(process.cpuUsage(innerStart)) < 100) spins += 1;
      expect(spins).toBeGreaterThan(0);
      const inner = ms(process.cpuUsage(innerStart));
      const after = readCpu({ self: [process.pid] });
      const outer = ms(process.cpuUsage(outerStart));
      const perRequest = cpuPerRequest(before, after, 10);
      expect(perRequest).not.toBeNull();
      // Over 10 requests, give or take a 10 ms tick of each reading.
      expect(perRequest!.bench).toBeGreaterThanOrEqual((inner - 20) / 10);
      expect(perRequest!.bench).toBeLessThanOrEqual((outer + 20) / 10);
      expect(Math.abs(perRequest!.self - perRequest!.bench)).toBeLessThanOrEqual(1);
      expect(perRequest!.postgres).toBeGreaterThanOrEqual(0);
    });

    it("takes each process's own difference: one that ended takes nothing away, a new one counts whole", () => {
      const before = { bench: { '1': 50 }, postgres: { '10': 80, '11': 400, '12': 30 } };
      // 11 ended (its 400 ms must not be subtracted), 13 started, 10 and 12 ran on.
      const after = { bench: { '1': 70 }, postgres: { '10': 100, '12': 30, '13': 20 } };
      expect(cpuPerRequest(before, after, 4)).toEqual({ bench: 5, postgres: 10 });
      // A pid whose counter went down (reused by another process) counts nothing.
      expect(cpuPerRequest({ bench: { '1': 9 } }, { bench: { '1': 5 } }, 1)).toEqual({ bench: 0 });
      expect(cpuPerRequest({ bench: { '1': 1 } }, { bench: { '1': 2 } }, 0)).toBeNull();
      expect(cpuPerRequest(null, { bench: { '1': 2 } }, 3)).toBeNull();
    });
  });
});
