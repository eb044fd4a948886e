import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '@app/common/config/app-config';
import { POLL_ROUTES, STREAM_ROUTES } from './stream-access-log';

/** A caller's X-Request-Id is kept when it is a plain short id; anything else is replaced. */
const ACCEPTED_REQUEST_ID = /^[\w.-]{1,64}$/;

/** The id of a request: the caller's X-Request-Id (e.g. a load balancer's) or a new UUID. */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTED_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Probes scraped every few seconds: their "request completed" lines would drown the rest. */
const UNLOGGED_PATHS = new Set(['/health', '/metrics']);

/** Headers that carry secrets: shown as "[Redacted]" in every log line. */
export const REDACTED_PATHS = [
  'req.headers["x-reservation-token"]',
  'req.headers["x-admin-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Query parameters that carry secrets (the live-position stream's `?token=`). */
const REDACTED_QUERY_PARAMETERS = new Set(['token']);

/** A URL with the value of each secret query parameter replaced by "[Redacted]". */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const parts = url
    .slice(mark + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      const rawName = equals < 0 ? part : part.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // Not decodable: compared as it came.
      }
      return REDACTED_QUERY_PARAMETERS.has(name.trim().toLowerCase())
        ? `${rawName}=[Redacted]`
        : part;
    });
  return `${url.slice(0, mark)}?${parts.join('&')}`;
}

/** pino-http's request, as serialised for a log line, without the secrets of its URL. */
function redactRequest(request: { url?: unknown; query?: unknown }): unknown {
  if (typeof request.url === 'string') request.url = redactUrl(request.url);
  if (request.query && typeof request.query === 'object') {
    const query = { ...(request.query as Record<string, unknown>) };
    for (const name of Object.keys(query)) {
      if (REDACTED_QUERY_PARAMETERS.has(name.toLowerCase())) query[name] = '[Redacted]';
    }
    request.query = query;
  }
  return request;
}

/**
 * JSON logs, one line per event, each carrying the request id (`reqId`) of the request it
 * belongs to. `destination` is for tests, which read the lines back; the app writes to stdout.
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const options = {
    level: config.logLevel,
    // Fastify gives every request its id first (see createFastifyAdapter) and pino-http keeps
    // it; this only serves a request that reaches pino-http without one.
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers['x-request-id']),
    // Lines logged during a request carry `reqId`, not the whole request; the one
    // "request completed" line carries the request and the response.
    quietReqLogger: true,
    autoLogging: {
      // Under Fastify's middleware layer `url` may be rewritten; originalUrl is what was asked.
      ignore: (request: IncomingMessage & { originalUrl?: string }) =>
        UNLOGGED_PATHS.has((request.originalUrl ?? request.url ?? '').split('?')[0]),
    },
    customLogLevel: (_request: IncomingMessage, response: { statusCode: number }, error?: Error) =>
      error || response.statusCode >= 500 ? ('error' as const) : ('info' as const),
    redact: REDACTED_PATHS,
    serializers: { req: redactRequest },
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    // Streams and polls are logged by stream-access-log.ts, without a request logger each.
    exclude: [...STREAM_ROUTES, ...POLL_ROUTES].map((path) => ({
      path: path.slice(1),
      method: RequestMethod.GET,
    })),
  };
}
