import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
// Where nestjs-pino keeps the logger of the request in progress (its middleware's store).
import { storage, Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';

/**
 * Requests that the request logger (pino-http, through nestjs-pino's middleware) does not
 * serve. It gives every request two child loggers, one of them with the request serialised
 * and redacted, whatever the log level, and keeps them until the response ends:
 * - the live-position stream: about 4 kB each stream held for as long as it is open (40 MB for
 *   10,000 streams);
 * - the `token_info` poll: about a tenth of a poll's time, on the route a waiting room calls
 *   tens of thousands of times a second, whose successful answers are not logged anyway
 *   (counted by /metrics, http_requests_total).
 * Their "request completed" line is written here instead, with the same fields (reqId, req,
 * res, responseTime) through the same root logger, so the same serializers and redactions
 * apply (the `token` of the URL shows as [Redacted]): for every stream, and for a refused
 * poll (4xx, 5xx) only. Lines logged during a poll carry its `reqId`, through a child of the
 * root logger with that binding alone.
 */
export const STREAM_ROUTES = ['/user_queue_tokens/events'];
export const POLL_ROUTES = ['/user_queue_tokens/token_info'];

export function logWithoutRequestLogger(
  fastify: FastifyInstance,
  root: () => Logger | undefined = () => PinoLogger.root,
): void {
  const streamRoutes = new Set(STREAM_ROUTES);
  const pollRoutes = new Set(POLL_ROUTES);
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url ?? '';
    const poll = pollRoutes.has(route);
    if (!poll && !streamRoutes.has(route)) return done();
    const startedAt = Date.now();
    const reqId = request.id;
    const req = request.raw as typeof request.raw & { id?: string };
    const res = reply.raw;
    req.id = reqId;
    res.once('close', () => {
      if (poll && res.statusCode < 400) return;
      const logger = root();
      if (!logger) return;
      const fields = { reqId, req, res, responseTime: Date.now() - startedAt };
      if (res.statusCode >= 500) logger.error(fields, 'request errored');
      else logger.info(fields, 'request completed');
    });
    const logger = poll ? root() : undefined;
    if (logger) return storage.run(new Store(logger.child({ reqId })), done);
    done();
  });
}
