import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { onFreePort, REPO_ROOT, sleep } from '../support/app-process';

/**
 * deploy/nginx.conf and the README's nginx example: the event stream's location has the
 * directives of an unbuffered, long-lived stream; and, run by a real nginx in front of a
 * stand-in upstream, both configurations are valid, pass an event on while the upstream still
 * holds the stream open, and still proxy every other path. (nginx 1.22 passes small chunks on
 * at once even with buffering on, so only the directive checks tell the old configuration from
 * the new one; buffering off also keeps nginx from spooling a stream to disk.)
 */
const EVENTS = '/user_queue_tokens/events';
const HEARTBEAT_SECONDS = 15;

const nginx = ['/usr/sbin/nginx', ...(process.env.PATH ?? '').split(delimiter)]
  .map((dir) => (dir.endsWith('/nginx') ? dir : join(dir, 'nginx')))
  .find((candidate) => existsSync(candidate));
if (!nginx) {
  if (process.env.REQUIRE_NGINX === 'true') {
    throw new Error('REQUIRE_NGINX=true but no nginx binary was found');
  }
  console.log('nginx is not installed: skipping the nginx tests (apt-get install nginx-light)');
}

function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```nginx\n([\s\S]*?)```/g)].map((match) => match[1]);
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

const configs: [string, () => string][] = [
  ['deploy/nginx.conf', () => readFileSync(join(REPO_ROOT, 'deploy', 'nginx.conf'), 'utf8')],
  ["the README's example", readmeExample],
];

/** The location block of the event stream, as text. */
function eventsLocation(config: string): string {
  const start = config.indexOf(`location = ${EVENTS} {`);
  expect(start).toBeGreaterThanOrEqual(0);
  return config.slice(start, config.indexOf('}', start) + 1);
}

function seconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`Not an nginx time: ${value}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? 's'] as number;
  return Number(match[1]) * unit;
}

describe.each(configs)('%s, for the event stream', (_name, read) => {
  it('turns buffering and caching off, and reads far beyond the heartbeat', () => {
    const location = eventsLocation(read());
    expect(location).toMatch(/proxy_buffering off;/);
    expect(location).toMatch(/proxy_cache off;/);
    expect(location).toMatch(/proxy_http_version 1\.1;/);
    expect(location).toMatch(/proxy_set_header Connection "";/);
    const timeout = /proxy_read_timeout (\S+);/.exec(location);
    expect(timeout).not.toBeNull();
    expect(seconds((timeout as RegExpExecArray)[1])).toBeGreaterThan(4 * HEARTBEAT_SECONDS);
  });
});

interface Seen {
  url: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
}

(nginx ? describe.each(configs) : describe.skip.each(configs))(
  '%s behind a real nginx',
  (_name, read) => {
    let dir: string;
    let upstream: Server;
    let proxy: ChildProcess;
    let proxyOutput = '';
    let base: string;
    const seen: Seen[] = [];
    const streams: ServerResponse[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nginx-'));
      upstream = createServer((request, response) => {
        seen.push({
          url: request.url ?? '',
          httpVersion: request.httpVersion,
          headers: request.headers,
        });
        if (request.url?.startsWith(EVENTS)) {
          // No X-Accel-Buffering header: the configuration alone must unbuffer the stream.
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.write('data: {"status":"IN_QUEUE","position":3}\n\n');
          streams.push(response); // held open until the end, like a live stream
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"status":"ok"}');
      });
      // Port 0: the system picks a port, and this server has it from the start.
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const upstreamPort = (upstream.address() as AddressInfo).port;

      let server = read();
      const upstreams: string[] = server.match(/upstream \w+ \{[^}]*\}/g) ?? [];
      expect(upstreams).toHaveLength(1);
      const block = upstreams[0] as string;
      server = server.replace(
        block,
        block
          .replace(/server [^\s;{}]+;\s*/g, '')
          .replace('{', `{ server 127.0.0.1:${upstreamPort}; `),
      );
      expect(server).toMatch(/listen 80;/);
      // nginx cannot report a port it was given as 0: on a probed one, and on another if a
      // process took it before nginx bound it.
      base = await onFreePort((port) =>
        startNginx(server.replace(/listen 80;/g, `listen 127.0.0.1:${port};`), port),
      );
    });

    /** nginx with this server block, once it answers /health; throws with its log if it quits. */
    async function startNginx(server: string, port: number): Promise<string> {
      const config = join(dir, 'nginx.conf');
      writeFileSync(
        config,
        [
          `pid ${join(dir, 'nginx.pid')};`,
          `error_log ${join(dir, 'error.log')} warn;`,
          'daemon off;',
          'master_process off;',
          'events { worker_connections 64; }',
          'http {',
          '  access_log off;',
          `  client_body_temp_path ${join(dir, 'body')};`,
          `  proxy_temp_path ${join(dir, 'proxy')};`,
          server,
          '}',
        ].join('\n'),
      );
      proxyOutput = '';
      proxy = spawn(nginx as string, ['-p', dir, '-c', config], { stdio: 'pipe' });
      proxy.stderr?.on('data', (chunk: Buffer) => (proxyOutput += chunk.toString()));
      const url = `http://127.0.0.1:${port}`;
      for (let attempt = 0; ; attempt += 1) {
        try {
          const answer = await fetch(`${url}/health`);
          if (answer.ok) return url;
        } catch {
          if (attempt > 100 || proxy.exitCode !== null) {
            const log = existsSync(join(dir, 'error.log'))
              ? readFileSync(join(dir, 'error.log'), 'utf8')
              : '';
            if (proxy.exitCode === null) proxy.kill('SIGKILL');
            throw new Error(`nginx did not start: ${proxyOutput}${log}`);
          }
          await sleep(100);
        }
      }
    }

    afterAll(async () => {
      streams.forEach((stream) => stream.end());
      if (proxy && proxy.exitCode === null) {
        const exited = new Promise((resolve) => proxy.once('exit', resolve));
        proxy.kill('SIGTERM');
        await exited;
      }
      await new Promise((resolve) => upstream?.close(resolve));
      upstream?.closeAllConnections();
      rmSync(dir, { recursive: true, force: true });
    });

    it('passes an event on at once, while the stream stays open', async () => {
      const started = Date.now();
      const { first, headers, close } = await firstChunk(`${base}${EVENTS}?token=abc`, 5000);
      close();
      expect(first).toBe('data: {"status":"IN_QUEUE","position":3}\n\n');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(headers['content-type']).toBe('text/event-stream');
      const request = seen.find(({ url }) => url.startsWith(EVENTS));
      expect(request?.url).toBe(`${EVENTS}?token=abc`);
      expect(request?.httpVersion).toBe('1.1');
      // Keep-alive to the upstream: nginx sends no `Connection: close`.
      expect(request?.headers.connection).toBeUndefined();
      expect(request?.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });

    it('still proxies every other path', async () => {
      const answer = await fetch(`${base}/concerts`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ status: 'ok' });
      expect(seen.some(({ url }) => url === '/concerts')).toBe(true);
    });
  },
);

/** The first chunk of a response body, or a failure after `timeoutMs`. */
function firstChunk(
  url: string,
  timeoutMs: number,
): Promise<{ first: string; headers: IncomingHttpHeaders; close: () => void }> {
  return new Promise((resolve, reject) => {
    const request = get(url, (response) => {
      response.once('data', (chunk: Buffer) => {
        clearTimeout(timer);
        resolve({
          first: chunk.toString(),
          headers: response.headers,
          close: () => request.destroy(),
        });
      });
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`No event through nginx within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
