import http, { IncomingHttpHeaders } from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
  /** Milliseconds since the stream was opened. */
  at: number;
}

export interface SseStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body when the answer is not a stream (a JSON error). */
  body: Promise<string>;
  events: SseEvent[];
  comments: string[];
  /** Resolves when the server ends the stream (or the connection goes). */
  ended: Promise<void>;
  isEnded(): boolean;
  /** The next event after the `seen` first ones, or a failure after timeoutMs. */
  nextEvent(seen: number, timeoutMs?: number): Promise<SseEvent>;
  /** The first event from index `from` on whose parsed data satisfies `match`. */
  eventWhere(
    match: (data: any) => boolean,
    from?: number,
    timeoutMs?: number,
  ): Promise<{ index: number; data: any }>;
  /** Resolves when a comment line arrives after the `seen` first ones. */
  nextComment(seen: number, timeoutMs?: number): Promise<string>;
  /** The client goes away. */
  close(): void;
}

/**
 * A server-sent-events reader over a real socket (Fastify's inject cannot stream): parses
 * `event:` / `data:` blocks and comment lines as a browser's EventSource would.
 */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
    request.once('error', reject);
    request.once('response', (response) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      const wake = () => {
        for (const waiter of [...waiters]) waiter();
      };
      let ended = false;
      let text = '';
      let buffer = '';
      let event = '';
      let data: string[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        buffer += chunk;
        for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (data.length > 0) {
              events.push({
                event: event || 'message',
                data: data.join('\n'),
                at: Date.now() - started,
              });
            }
            event = '';
            data = [];
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
          } else if (line.startsWith('event:')) {
            event = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
        wake();
      });
      const endedPromise = new Promise<void>((done) => {
        const finish = () => {
          ended = true;
          wake();
          done();
        };
        response.once('end', finish);
        response.once('close', finish);
        response.once('error', finish);
      });
      const body = endedPromise.then(() => text);
      const waitFor = <T>(pick: () => T | undefined, timeoutMs: number, what: string) =>
        new Promise<T>((done, fail) => {
          const check = () => {
            const found = pick();
            if (found !== undefined) {
              cleanup();
              done(found);
            } else if (ended) {
              cleanup();
              fail(new Error(`stream ended before ${what}; received: ${text}`));
            }
          };
          const timer = setTimeout(() => {
            cleanup();
            fail(new Error(`no ${what} within ${timeoutMs} ms; received: ${text}`));
          }, timeoutMs);
          const cleanup = () => {
            clearTimeout(timer);
            waiters.delete(check);
          };
          waiters.add(check);
          check();
        });
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body,
        events,
        comments,
        ended: endedPromise,
        isEnded: () => ended,
        nextEvent: (seen, timeoutMs = 5000) =>
          waitFor(() => events[seen], timeoutMs, `event #${seen + 1}`),
        eventWhere: (match, from = 0, timeoutMs = 5000) =>
          waitFor(
            () => {
              for (let index = from; index < events.length; index += 1) {
                const data = JSON.parse(events[index].data);
                if (match(data)) return { index, data };
              }
              return undefined;
            },
            timeoutMs,
            'a matching event',
          ),
        nextComment: (seen, timeoutMs = 5000) =>
          waitFor(() => comments[seen], timeoutMs, `comment #${seen + 1}`),
        close: () => {
          request.destroy();
        },
      });
    });
  });
}
