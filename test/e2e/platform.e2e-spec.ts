import { CallHandler, CanActivate, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { dropIdleClsEnhancers } from '../../apps/api/src/configure-app';
import { createTestApp, TestApp } from '../support/test-app';
import { insertBuyer } from '../support/fixtures';
import { call } from '../support/http';
import { asAdmin } from '../support/test-database';

describe('platform: health and API documentation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs no global guard or interceptor: the placeholders nestjs-cls registers are dropped', async () => {
    const config = (t.app as unknown as { config: ApplicationConfig }).config;
    expect(config.getGlobalInterceptors()).toEqual([]);
    expect(config.getGlobalGuards()).toEqual([]);
    // The transactions (CLS contexts of their own) still work without them.
    const buyer = await insertBuyer(t.db, t.clock.now(), '10.00');
    const charged = await call(t.app, 'POST', `/users/${buyer.userId}/charge`, {
      body: { amount: 5 },
    });
    expect(charged.status).toBe(200);
  });

  it('drops only those placeholders, never a real guard or interceptor', () => {
    class Real implements NestInterceptor, CanActivate {
      intercept(_context: ExecutionContext, next: CallHandler) {
        return next.handle();
      }
      canActivate() {
        return true;
      }
    }
    const config = new ApplicationConfig();
    const real = new Real();
    config.addGlobalInterceptor({
      intercept: (_context: ExecutionContext, next: CallHandler) => next.handle(),
    });
    config.addGlobalInterceptor(real);
    config.addGlobalGuard({ canActivate: () => true });
    config.addGlobalGuard(real);
    expect(dropIdleClsEnhancers({ config } as never)).toBe(2);
    expect(config.getGlobalInterceptors()).toEqual([real]);
    expect(config.getGlobalGuards()).toEqual([real]);
  });

  it('GET /health answers 200 with the database up', async () => {
    const response = await call(t.app, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('GET /health answers 503 while the database refuses connections, then 200 again', async () => {
    const name = new URL(t.databaseUrl).pathname.slice(1);
    await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await asAdmin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
    );
    try {
      const down = await call(t.app, 'GET', '/health');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });

      // Any other endpoint that needs the database answers 503 too, never a 500.
      const user = await call(t.app, 'GET', '/users/11111111-1111-4111-8111-111111111111');
      expect(user.status).toBe(503);
      expect(user.body).toEqual({ message: 'Service temporarily unavailable' });
    } finally {
      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    const up = await call(t.app, 'GET', '/health');
    expect(up.status).toBe(200);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await call(t.app, 'GET', '/docs');
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/text\/html/);
    expect(response.body).toMatch(/swagger/i);
  });

  it('serves the OpenAPI document at /docs-json with both security schemes', async () => {
    const response = await call(t.app, 'GET', '/docs-json');
    expect(response.status).toBe(200);
    const document = response.body;
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes).toEqual({
      'queue-token': expect.objectContaining({
        type: 'apiKey',
        in: 'header',
        name: 'X-Reservation-Token',
      }),
      'admin-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Admin-Key' }),
    });
  });

  it('documents the user endpoints with their request schema and every contract status', async () => {
    const { body: document } = await call(t.app, 'GET', '/docs-json');
    const charge = document.paths['/users/{user_id}/charge'].post;
    expect(Object.keys(charge.responses).sort()).toEqual(['200', '400', '404']);
    expect(charge.requestBody.content['application/json'].schema.$ref).toMatch(/ChargeRequestDto/);
    expect(document.components.schemas.ChargeRequestDto.required).toEqual(['amount']);
    const get = document.paths['/users/{user_id}'].get;
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '404']);
    const admin = document.paths['/admin/users'].post;
    expect(Object.keys(admin.responses).sort()).toEqual(['201', '400', '401']);
    expect(admin.security).toEqual([{ 'admin-key': [] }]);
    for (const operation of [charge, get, admin]) {
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        const content = response.content?.['application/json'];
        expect({ status, hasExample: Boolean(content?.example ?? content?.schema) }).toEqual({
          status,
          hasExample: true,
        });
      }
    }
    expect(document.paths['/health'].get.responses).toHaveProperty('503');
  });

  it.each([
    ['GET', '/concert_performances?concert_id=1e3', 'concert_id must be a positive integer'],
    [
      'GET',
      '/performance_seats?concert_date_id=0x10',
      'concert_date_id must be a positive integer',
    ],
    ['POST', '/performance_seats/1e3/book', 'id must be a positive integer'],
    ['POST', '/performance_seats/0x10/pay', 'id must be a positive integer'],
  ] as const)('refuses the non-decimal id in %s %s with 400', async (method, url, message) => {
    const { token } = await insertBuyer(t.db, t.clock.now());
    const response = await call(t.app, method, url, { token });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message });
  });

  it('answers an unknown route with 404 and a message, not a stack trace', async () => {
    const response = await call(t.app, 'GET', '/nope');
    expect(response.status).toBe(404);
    expect(Object.keys(response.body)).toEqual(['message']);
  });
});
