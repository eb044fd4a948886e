import { createTestApp, TestApp } from '../support/test-app';
import { insertActiveToken, insertUser } from '../support/fixtures';

/**
 * CORS_ORIGINS: browser apps on the listed origins may call the API (preflights for the token
 * header, a JWT and JSON bodies; Retry-After and X-Request-Id readable); any other origin, and
 * every origin when the variable is unset, gets no CORS header at all.
 */

const APP = 'http://localhost:5173';
const SHOP = 'https://shop.example.com';
const EVIL = 'https://evil.example.com';

/** Each request from its own address, so that the low rate limit here (for the 429 test) is not hit. */
let clients = 0;
const nextAddress = () => `198.18.${Math.floor(clients / 250)}.${(clients++ % 250) + 1}`;

function request(
  t: TestApp,
  method: 'GET' | 'POST' | 'OPTIONS',
  url: string,
  headers: Record<string, string>,
  payload?: string,
) {
  return t.app.inject({ method, url, headers, payload, remoteAddress: nextAddress() });
}

const corsHeaders = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((name) => name.startsWith('access-control-'));

const preflight = (t: TestApp, origin: string, url: string, method: string, headers: string) =>
  request(t, 'OPTIONS', url, {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': headers,
  });

describe('CORS with CORS_ORIGINS set', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        CORS_ORIGINS: `${APP}, ${SHOP}`,
        RATE_LIMIT_PER_SECOND: '1',
        RATE_LIMIT_BURST: '3',
      },
    });
    token = await insertActiveToken(t.db, await insertUser(t.db), t.clock.now());
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([APP, SHOP])(
    'answers the preflight of %s for the token, a JWT and JSON',
    async (origin) => {
      const booking = await preflight(
        t,
        origin,
        '/performance_seats/1/book',
        'POST',
        'content-type,x-reservation-token',
      );
      expect(booking.statusCode).toBe(204);
      expect(booking.headers['access-control-allow-origin']).toBe(origin);
      expect(String(booking.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(
        expect.arrayContaining(['GET', 'POST', 'PATCH']),
      );
      const allowed = String(booking.headers['access-control-allow-headers'])
        .toLowerCase()
        .split(/,\s*/);
      expect(allowed).toEqual(
        expect.arrayContaining(['content-type', 'x-reservation-token', 'authorization']),
      );
      expect(booking.headers['access-control-allow-credentials']).toBeUndefined();
      expect(Number(booking.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(String(booking.headers.vary)).toMatch(/origin/i);

      const charge = await preflight(
        t,
        origin,
        '/users/x/charge',
        'POST',
        'authorization,content-type',
      );
      expect(charge.statusCode).toBe(204);
      expect(charge.headers['access-control-allow-origin']).toBe(origin);
    },
  );

  it('sends the CORS headers on the actual request, exposing Retry-After and X-Request-Id', async () => {
    const response = await request(t, 'GET', '/user_queue_tokens/token_info', {
      origin: APP,
      'x-reservation-token': token,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(APP);
    expect(
      String(response.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/).sort(),
    ).toEqual(['retry-after', 'x-request-id']);
    expect(response.headers['x-request-id']).toBeDefined();

    // Errors too: the browser app can read the message of a 401.
    const refused = await request(t, 'GET', '/user_queue_tokens/token_info', { origin: SHOP });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it('lets the browser read a 429 and its Retry-After; preflights do not count', async () => {
    const origin = APP;
    const ip = '192.0.2.77';
    for (let index = 0; index < 5; index += 1) {
      const answer = await t.app.inject({
        method: 'OPTIONS',
        url: '/concerts',
        remoteAddress: ip,
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      expect(answer.statusCode).toBe(204);
    }
    const answers = [];
    for (let index = 0; index < 4; index += 1) {
      answers.push(
        await t.app.inject({
          method: 'GET',
          url: '/concerts',
          remoteAddress: ip,
          headers: { origin, 'x-reservation-token': token },
        }),
      );
    }
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 429]);
    const limited = answers[3];
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers['access-control-allow-origin']).toBe(origin);
    expect(String(limited.headers['access-control-expose-headers'])).toMatch(/Retry-After/);
  });

  it('gives another origin, and a request with no Origin, no CORS header at all', async () => {
    const refusedPreflight = await preflight(
      t,
      EVIL,
      '/performance_seats/1/book',
      'POST',
      'content-type,x-reservation-token',
    );
    expect(refusedPreflight.statusCode).toBe(404);
    expect(corsHeaders(refusedPreflight.headers)).toEqual([]);

    const fromEvil = await request(t, 'GET', '/user_queue_tokens/token_info', {
      origin: EVIL,
      'x-reservation-token': token,
    });
    expect(fromEvil.statusCode).toBe(200);
    expect(corsHeaders(fromEvil.headers)).toEqual([]);

    // An origin that only starts like an allowed one is another origin.
    const lookalike = await request(t, 'GET', '/concerts', {
      origin: `${SHOP}.evil.com`,
      'x-reservation-token': token,
    });
    expect(corsHeaders(lookalike.headers)).toEqual([]);

    const noOrigin = await request(t, 'GET', '/concerts', { 'x-reservation-token': token });
    expect(noOrigin.statusCode).toBe(200);
    expect(corsHeaders(noOrigin.headers)).toEqual([]);
  });
});

describe('CORS with CORS_ORIGINS unset (the default)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends no CORS header, and answers no preflight', async () => {
    const token = await insertActiveToken(t.db, await insertUser(t.db), t.clock.now());
    const actual = await request(t, 'GET', '/concerts', {
      origin: APP,
      'x-reservation-token': token,
    });
    expect(actual.statusCode).toBe(200);
    expect(corsHeaders(actual.headers)).toEqual([]);
    const answer = await preflight(t, APP, '/performance_seats/1/book', 'POST', 'content-type');
    expect(answer.statusCode).toBe(404);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});
