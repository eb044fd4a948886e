import { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface CallOptions {
  body?: unknown;
  /** Sent as X-Reservation-Token. */
  token?: string;
  headers?: Record<string, string>;
  /** Raw payload, sent as is (for malformed JSON). */
  payload?: string;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** One HTTP request through the full Fastify stack (no socket). */
export async function call<T = any>(
  app: NestFastifyApplication,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['x-reservation-token'] = options.token;
  let payload: string | undefined = options.payload;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  } else if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  const response = await app.inject({ method, url, headers, payload });
  let body: unknown = response.body;
  try {
    body = response.body === '' ? undefined : JSON.parse(response.body);
  } catch {
    // Not JSON (Swagger UI's HTML, Prometheus text): keep the text.
  }
  return { status: response.statusCode, body: body as T, headers: response.headers };
}
