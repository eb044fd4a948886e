import { HttpException, HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { getSchemaPath, OpenAPIObject } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import type { AppConfig } from '@app/common/config/app-config';
import type { Clock } from '@app/common/domain/clock';
import { tokenBucketStore } from './token-bucket-store';

export const TOO_MANY_REQUESTS = 'Too many requests';

/** Probes, metrics scrapes and the API document are never limited. */
const EXEMPT_ROUTE = /^\/(health|metrics)$|^\/docs($|[-/])/;

export function isRateLimitExempt(route: string | undefined): boolean {
  return route !== undefined && EXEMPT_ROUTE.test(route);
}

/**
 * The per-IP rate limit of the contract ("Protection"): @fastify/rate-limit on every route
 * (an onRequest hook, before the body is read), with a token bucket as its store. The client
 * IP is Fastify's `request.ip`: the socket's, or the first X-Forwarded-For address when
 * TRUST_PROXY is on (see createFastifyAdapter). Must be registered before the routes.
 */
export async function registerRateLimit(
  app: NestFastifyApplication,
  config: AppConfig,
  clock: Clock,
): Promise<void> {
  if (config.rateLimitPerSecond === 0) return;
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'onRequest',
    max: config.rateLimitBurst,
    store: tokenBucketStore(config.rateLimitPerSecond, config.rateLimitBurst, () =>
      clock.now().getTime(),
    ),
    keyGenerator: (request: FastifyRequest) => request.ip,
    allowList: (request: FastifyRequest) => isRateLimitExempt(request.routeOptions.url),
    // Answered by Nest's exception filter, as `{"message": ...}` like every error.
    errorResponseBuilder: () => new HttpException(TOO_MANY_REQUESTS, HttpStatus.TOO_MANY_REQUESTS),
  });
}

/** Every limited operation of the API document gets its `429` answer. */
export function documentRateLimit(document: OpenAPIObject, config: AppConfig): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (isRateLimitExempt(path)) continue;
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses['429'] = {
        description: `Over the rate limit: ${config.rateLimitPerSecond} requests per second per client IP, bursts up to ${config.rateLimitBurst} (per instance). Retry after the \`Retry-After\` header's seconds.`,
        headers: {
          'Retry-After': {
            description: 'Seconds to wait before the next request is accepted.',
            schema: { type: 'integer', minimum: 1 },
          },
        },
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorResponseDto) },
            example: { message: TOO_MANY_REQUESTS },
          },
        },
      };
    }
  }
}
