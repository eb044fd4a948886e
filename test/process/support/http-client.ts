export interface HttpResult<T = any> {
  /** The HTTP status, or 0 when no answer came (connection refused or reset, time-out). */
  status: number;
  body: T;
  ms: number;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as X-Reservation-Token. */
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** One request over a real socket (Node's fetch); network failures become status 0. */
export async function request<T = any>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: RequestOptions = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['x-reservation-token'] = options.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: body as T, ms: performance.now() - started };
  } catch (error) {
    return {
      status: 0,
      body: { error: String((error as Error)?.cause ?? error) } as T,
      ms: performance.now() - started,
    };
  }
}

/** Counts of each status, e.g. `{ "201": 1, "409": 99 }`. */
export function countStatuses(results: { status: number }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
