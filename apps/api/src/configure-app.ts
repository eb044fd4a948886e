import {
  BadRequestException,
  INestApplication,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { ADMIN_KEY_SCHEME, QUEUE_TOKEN_SCHEME } from '@app/common/adapter/http/api-security';
import { documentCallerAuth } from '@app/common/adapter/http/caller-auth.guard';
import { DomainExceptionFilter } from '@app/common/adapter/http/domain-exception.filter';
import { requireJsonObject, takesNoBody } from '@app/common/adapter/http/json-body';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import { serveDemoPage } from './demo/demo-page';
import { requestIdFor } from './logging/logger-params';
import { logWithoutRequestLogger } from './logging/stream-access-log';
import { registerCors } from './protection/cors';
import { documentRateLimit, registerRateLimit } from './protection/rate-limit';

/**
 * Fastify's options, for main.ts and the HTTP tests alike. `trustProxy` (TRUST_PROXY): the
 * client IP (`request.ip`, the rate limit's key) is the first X-Forwarded-For address rather
 * than the socket's; only behind a proxy that sets that header, or clients could pick their IP.
 */
export function createFastifyAdapter(options: { trustProxy?: boolean } = {}): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: 64 * 1024,
    trustProxy: options.trustProxy ?? false,
    // The request id of the logs and of the x-request-id response header (see configureApp).
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers['x-request-id']),
    // A URL Fastify cannot decode never reaches Nest's filter: answer it in the same shape.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const status =
        error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400;
      void reply
        .code(status)
        .header('x-request-id', reply.request.id)
        .header('content-type', 'application/json; charset=utf-8')
        .send({ message: error.message });
    },
  });
}

/**
 * nestjs-cls (under @nestjs-cls/transactional) always registers a global guard and a global
 * interceptor (APP_GUARD, APP_INTERCEPTOR). With none of its enhancers mounted, as here (each
 * transaction opens its own CLS context), they are placeholders that do nothing, but the
 * interceptor alone puts every request through Nest's interceptor pipeline (an rxjs chain and
 * AsyncResource.bind calls) for nothing. Dropped before init() builds the routes; returns how
 * many it dropped. Nest keeps the global enhancers in its ApplicationConfig, which it does not
 * expose: the one reach into its internals, proven by test/e2e/platform.e2e-spec.ts.
 */
export function dropIdleClsEnhancers(app: INestApplication): number {
  const config = (app as unknown as { config: ApplicationConfig }).config;
  const placeholder = (enhancer: object, method: string) =>
    Object.getPrototypeOf(enhancer) === Object.prototype && Object.keys(enhancer).join() === method;
  const interceptors = config.getGlobalInterceptors();
  const guards = config.getGlobalGuards();
  const keptInterceptors = interceptors.filter((each) => !placeholder(each, 'intercept'));
  const keptGuards = guards.filter((each) => !placeholder(each, 'canActivate'));
  const dropped = interceptors.length - keptInterceptors.length + guards.length - keptGuards.length;
  interceptors.splice(0, interceptors.length, ...keptInterceptors);
  guards.splice(0, guards.length, ...keptGuards);
  return dropped;
}

/** Everything main.ts and the HTTP tests configure alike: one app, one behaviour. */
export async function configureApp(app: NestFastifyApplication): Promise<OpenAPIObject> {
  dropIdleClsEnhancers(app);
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  // JSON in, nothing else (415 otherwise): left alone, Fastify reads text/plain and Nest reads
  // forms, and such a body would reach the validation as a bare string or a flat object.
  fastify.removeAllContentTypeParsers();
  // Fastify's own parser (it refuses __proto__ and constructor.prototype keys), then the shape.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser(
    'application/json',
    { bodyLimit: fastify.initialConfig.bodyLimit },
    (request, body, done) => {
      // An empty JSON body on a route that takes none is no body (see NoRequestBody).
      if (body.length === 0 && takesNoBody(request as FastifyRequest)) return done(null, undefined);
      return parseJson(request as FastifyRequest, body.toString('utf8'), (error, value) => {
        if (error) return done(error);
        try {
          done(null, requireJsonObject(value));
        } catch (refusal) {
          done(refusal as Error);
        }
      });
    },
  );
  logWithoutRequestLogger(fastify);
  // Every reply names its request, so a client's report can be matched with the log lines.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // While draining (app.close()), a keep-alive connection whose reply is in flight would stay
  // open until its keep-alive timeout (72 s) and hold the shutdown: ask the client to close it.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.useGlobalPipes(
    new BodyValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: false,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new BadRequestException(describe(errors).join('; ')),
    }),
  );
  app.useGlobalFilters(new DomainExceptionFilter());
  await registerCors(app, config);
  // Before Swagger's routes and Nest's (added by init()): it hooks every route added after it.
  await registerRateLimit(app, config, app.get(Clock));
  serveDemoPage(app);
  return setUpSwagger(app, config);
}

/**
 * Validates and transforms DTOs, but leaves path and query primitives as the text that
 * arrived: ValidationPipe would turn a `number` parameter into `+value`, so that "1e3" or
 * "0x10" became 1000 or 16 before PositiveIdPipe could refuse them.
 */
class BodyValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown): unknown {
    return value;
  }
}

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    return [...own, ...describe(error.children ?? [], path)];
  });
}

function setUpSwagger(app: INestApplication, appConfig: AppConfig): OpenAPIObject {
  const document = buildOpenApiDocument(app, appConfig);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

/**
 * The OpenAPI document, from the controllers' decorators alone: it needs the module graph but
 * no instance, so `npm run openapi` builds it in preview mode, without a database. The same
 * document is served at /docs-json and committed as openapi.json.
 */
export function buildOpenApiDocument(app: INestApplication, appConfig: AppConfig): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Concert ticketing API')
    .setDescription(
      [
        'A fair virtual waiting room, race-proof seat holds and prepaid-balance payments.',
        '',
        'Flow: `POST /user_queue_tokens` → poll `GET /user_queue_tokens/token_info` (or watch',
        '`GET /user_queue_tokens/events`, server-sent events) until `IN_PROGRESS` → browse concerts, performances and seats → `POST',
        '/performance_seats/{id}/book` → `POST /performance_seats/{id}/pay`.',
        '',
        'Every error body is `{"message": "..."}`. Money is a JSON number with at most 2',
        'decimals; times are ISO 8601 UTC.',
      ].join('\n'),
    )
    .setVersion('1.0')
    // Relative: Swagger UI calls the instance (or load balancer) that serves it; a generated
    // client takes its base URL from its own configuration (e.g. http://localhost:3000).
    .addServer('/', 'The address that serves this document')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Reservation-Token',
        description: 'The queue token from POST /user_queue_tokens.',
      },
      QUEUE_TOKEN_SCHEME,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Admin-Key', description: 'Equal to ADMIN_API_KEY.' },
      ADMIN_KEY_SCHEME,
    )
    .build();
  // Not open source (package.json: UNLICENSED); there is no license text to link to.
  config.info.license = { name: 'Proprietary' };
  const document = SwaggerModule.createDocument(app, config);
  if (appConfig.rateLimitPerSecond > 0) documentRateLimit(document, appConfig);
  documentCallerAuth(document, appConfig);
  return sortedDocument(document);
}

/** Schemas in name order, so that a diff of openapi.json shows what changed, not a reshuffle. */
function sortedDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]]),
  );
  return { ...document, components: { ...document.components, schemas: sorted } };
}
