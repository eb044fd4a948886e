import http from 'node:http';

/**
 * Many concurrent server-sent-event streams over raw sockets (node:http, an agent with no
 * socket cap): for the benchmark's GET /user_queue_tokens/events?token=... Each stream keeps
 * when its first event came and when an event first showed a given status.
 */

export interface StreamState {
  token: string;
  /** HTTP status of the answer (0: no answer yet or a network error). */
  status: number;
  openedAt: number;
  firstEventAt?: number;
  events: number;
  lastStatus?: string;
  /** Date.now() when an event first showed each status. */
  statusSeenAt: Record<string, number>;
  closed: boolean;
  error?: string;
}

export interface StreamSet {
  streams: StreamState[];
  /** Resolves once every stream got its first event, errored or closed (or the time is up). */
  ready(timeoutMs: number): Promise<void>;
  close(): void;
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

export function openStreams(
  baseUrl: string,
  tokens: string[],
  options: { path?: string; openPerBatch?: number } = {},
): StreamSet {
  const path = options.path ?? '/user_queue_tokens/events';
  const requests: http.ClientRequest[] = [];
  const streams = tokens.map<StreamState>((token) => ({
    token,
    status: 0,
    openedAt: 0,
    events: 0,
    statusSeenAt: {},
    closed: false,
  }));
  const open = (state: StreamState) => {
    state.openedAt = Date.now();
    const req = http.get(
      `${baseUrl}${path}?token=${encodeURIComponent(state.token)}`,
      { agent, headers: { accept: 'text/event-stream' } },
      (res) => {
        state.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
            onBlock(state, block);
          }
        });
        res.on('end', () => (state.closed = true));
        res.on('error', (error) => {
          state.error = String(error);
          state.closed = true;
        });
      },
    );
    req.on('error', (error) => {
      state.error = String(error);
      state.closed = true;
    });
    requests.push(req);
  };
  // Opened in batches, the next one once few are still waiting for their answer, so that the
  // server's accept queue (backlog 511) never overflows (SYN retries would add seconds).
  const batch = options.openPerBatch ?? 100;
  let opened = 0;
  const pending = () =>
    streams.slice(0, opened).filter((state) => state.status === 0 && !state.closed).length;
  const openAll = (async () => {
    while (opened < streams.length) {
      for (const state of streams.slice(opened, opened + batch)) open(state);
      opened = Math.min(streams.length, opened + batch);
      while (pending() > batch) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    streams,
    async ready(timeoutMs: number) {
      await openAll;
      const deadline = Date.now() + timeoutMs;
      while (
        Date.now() < deadline &&
        streams.some((state) => state.firstEventAt === undefined && !state.closed)
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close() {
      for (const req of requests) req.destroy();
    },
  };
}

function onBlock(state: StreamState, block: string): void {
  let data = '';
  let isEvent = false;
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) continue; // a heartbeat comment
    if (line.startsWith('data:')) {
      data += line.slice(5).trimStart();
      isEvent = true;
    } else if (line.startsWith('event:')) {
      isEvent = true;
    }
  }
  if (!isEvent) return;
  const now = Date.now();
  state.events += 1;
  state.firstEventAt ??= now;
  try {
    const body = JSON.parse(data) as { status?: string };
    if (typeof body.status === 'string') {
      state.lastStatus = body.status;
      state.statusSeenAt[body.status] ??= now;
    }
  } catch {
    // Not JSON: counted as an event, no status.
  }
}
