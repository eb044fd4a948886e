import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyCors from '@fastify/cors';
import type { AppConfig } from '@app/common/config/app-config';

/** What a browser app on another origin sends: the queue token, a JWT, JSON bodies. */
export const CORS_ALLOWED_HEADERS = ['Content-Type', 'X-Reservation-Token', 'Authorization'];
/** What it may read besides the simple headers: when to retry, and the id for a bug report. */
export const CORS_EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id'];

/**
 * CORS for browser apps served from other origins (CORS_ORIGINS): @fastify/cors, answering
 * preflights in an onRequest hook. A request from an origin not in the list, or with no Origin,
 * gets no CORS header at all (and its preflight a 404). Unset: not registered, no CORS headers.
 * Registered before the rate limit, so that preflights do not spend a client's requests.
 */
export async function registerCors(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  if (config.corsOrigins.length === 0) return;
  const allowed = new Set(config.corsOrigins);
  await app.register(fastifyCors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'POST', 'PATCH'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  });
}
