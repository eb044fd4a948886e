import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * Long-lived responses (the live-position stream) that the request logger (pino-http, through
 * nestjs-pino's middleware) does not serve: it gives every request two child loggers kept
 * until the response ends, about 4 kB each stream holds for as long as it is open (40 MB for
 * 10,000 streams). Their "request completed" line is written here instead, with the same
 * fields (reqId, req, res, responseTime) through the same root logger, so the same
 * serializers and redactions apply (the `token` of the URL shows as [Redacted]).
 */
export const STREAM_ROUTES = ['/user_queue_tokens/events'];

export function logStreamsWithoutRequestLogger(
  fastify: FastifyInstance,
  root: () => Logger | undefined = () => PinoLogger.root,
): void {
  const streamRoutes = new Set(STREAM_ROUTES);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (streamRoutes.has(request.routeOptions.url ?? '')) {
      const startedAt = Date.now();
      const reqId = request.id;
      const req = request.raw as typeof request.raw & { id?: string };
      const res = reply.raw;
      req.id = reqId;
      res.once('close', () => {
        const logger = root();
        if (!logger) return;
        const fields = { reqId, req, res, responseTime: Date.now() - startedAt };
        if (res.statusCode >= 500) logger.error(fields, 'request errored');
        else logger.info(fields, 'request completed');
      });
    }
    done();
  });
}
