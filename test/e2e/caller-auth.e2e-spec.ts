import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { createTestApp, TestApp } from '../support/test-app';
import { call } from '../support/http';
import { insertActiveToken, insertUser } from '../support/fixtures';

/**
 * Optional caller authentication (contract: "Protection"): with AUTH_JWT_SECRET,
 * AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL set, the three endpoints that act for a user id need a
 * JWT whose `sub` is that user; every other endpoint is as before.
 */

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'ticketing-api';

interface Claims {
  sub?: string;
  iss?: string;
  aud?: string;
  /** Seconds from the app's clock; default 300. */
  expiresIn?: number;
}

async function sign(
  key: Uint8Array | KeyObject,
  alg: 'HS256' | 'RS256' | 'ES256',
  now: Date,
  claims: Claims,
  kid?: string,
): Promise<string> {
  const seconds = Math.floor(now.getTime() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
    .setIssuedAt(seconds - 10)
    .setExpirationTime(seconds + (claims.expiresIn ?? 300));
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  return jwt.sign(key);
}

const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

/** The three bound endpoints, for one user: [label, method, url, body]. */
function boundCalls(userId: string): [string, 'GET' | 'POST', string, unknown][] {
  return [
    ['POST /user_queue_tokens', 'POST', '/user_queue_tokens', { user_id: userId }],
    ['POST /users/{id}/charge', 'POST', `/users/${userId}/charge`, { amount: 10 }],
    ['GET /users/{id}', 'GET', `/users/${userId}`, undefined],
  ];
}

async function writes(t: TestApp, userId: string): Promise<{ tokens: number; ledger: number }> {
  const [row] = await t.db.query(
    `SELECT (SELECT count(*)::int FROM user_queue_tokens WHERE user_id = $1) AS tokens,
            (SELECT count(*)::int FROM balance_ledger WHERE user_id = $1) AS ledger`,
    [userId],
  );
  return row;
}

describe('caller authentication with HS256 (AUTH_JWT_SECRET, issuer and audience)', () => {
  let t: TestApp;
  const key = new TextEncoder().encode(SECRET);
  const good = (userId: string, claims: Claims = {}) =>
    sign(key, 'HS256', t.clock.now(), { sub: userId, iss: ISSUER, aud: AUDIENCE, ...claims });

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('401 Authentication required without a bearer token, and nothing is written', async () => {
    const userId = await insertUser(t.db, '5.00');
    const before = await writes(t, userId);
    const none: Record<string, string>[] = [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer' },
    ];
    for (const headers of none) {
      for (const [label, method, url, body] of boundCalls(userId)) {
        const response = await call(t.app, method, url, { body, headers });
        expect({ label, status: response.status, body: response.body }).toEqual({
          label,
          status: 401,
          body: { message: 'Authentication required' },
        });
      }
    }
    expect(await writes(t, userId)).toEqual(before);
  });

  it("accepts the user's own JWT on the three endpoints (sub compared case-insensitively)", async () => {
    const userId = await insertUser(t.db, '5.00');
    for (const sub of [userId, userId.toUpperCase()]) {
      const headers = bearer(await good(sub));
      const [issue, charge, read] = boundCalls(userId);
      expect((await call(t.app, issue[1], issue[2], { body: issue[3], headers })).status).toBe(201);
      const charged = await call(t.app, charge[1], charge[2], { body: charge[3], headers });
      expect(charged.status).toBe(200);
      const got = await call(t.app, read[1], read[2], { headers });
      expect(got.status).toBe(200);
      expect(got.body.id).toBe(userId);
    }
    // The path's user id in capitals is the same user too.
    const upper = await call(t.app, 'GET', `/users/${userId.toUpperCase()}`, {
      headers: bearer(await good(userId)),
    });
    expect(upper.status).not.toBe(403);
    // One live token (the second issue returns it again), the opening balance and 2 charges.
    expect(await writes(t, userId)).toEqual({ tokens: 1, ledger: 3 });
  });

  it("403 Not your account with another user's JWT, and nothing is written", async () => {
    const victim = await insertUser(t.db, '50.00');
    const attacker = await insertUser(t.db, '0.00');
    const before = await writes(t, victim);
    const headers = bearer(await good(attacker));
    for (const [label, method, url, body] of boundCalls(victim)) {
      const response = await call(t.app, method, url, { body, headers });
      expect({ label, status: response.status, body: response.body }).toEqual({
        label,
        status: 403,
        body: { message: 'Not your account' },
      });
    }
    expect(await writes(t, victim)).toEqual(before);
  });

  it.each<[string, Claims | 'other-secret' | 'no-exp' | 'none-alg']>([
    ['expired', { expiresIn: -1 }],
    ['wrong issuer', { iss: 'https://evil.example.test/' }],
    ['no issuer', { iss: undefined }],
    ['wrong audience', { aud: 'another-api' }],
    ['no subject', { sub: undefined }],
    ['signed with another secret', 'other-secret'],
    ['without exp', 'no-exp'],
    ['alg none', 'none-alg'],
  ])('401 Authentication required for a JWT %s', async (_label, variant) => {
    const userId = await insertUser(t.db, '5.00');
    const before = await writes(t, userId);
    let jwt: string;
    const now = Math.floor(t.clock.now().getTime() / 1000);
    if (variant === 'other-secret') {
      jwt = await sign(new TextEncoder().encode(`${SECRET}-other`), 'HS256', t.clock.now(), {
        sub: userId,
        iss: ISSUER,
        aud: AUDIENCE,
      });
    } else if (variant === 'no-exp') {
      jwt = await new SignJWT({ sub: userId, iss: ISSUER, aud: AUDIENCE, iat: now })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(key);
    } else if (variant === 'none-alg') {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      jwt = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: userId, iss: ISSUER, aud: AUDIENCE, exp: now + 300 })}.`;
      jwt = `${jwt}x`;
    } else {
      jwt = await good(userId, variant);
    }
    for (const [label, method, url, body] of boundCalls(userId)) {
      const response = await call(t.app, method, url, { body, headers: bearer(jwt) });
      expect({ label, status: response.status, body: response.body }).toEqual({
        label,
        status: 401,
        body: { message: 'Authentication required' },
      });
    }
    expect(await writes(t, userId)).toEqual(before);
  });

  it('a JWT stops working when the clock passes its exp', async () => {
    const userId = await insertUser(t.db);
    const headers = bearer(await good(userId, { expiresIn: 60 }));
    expect((await call(t.app, 'GET', `/users/${userId}`, { headers })).status).toBe(200);
    t.clock.advanceSeconds(61);
    expect((await call(t.app, 'GET', `/users/${userId}`, { headers })).status).toBe(401);
  });

  it('leaves the queue-token endpoints and the catalog to X-Reservation-Token', async () => {
    const userId = await insertUser(t.db);
    const token = await insertActiveToken(t.db, userId, t.clock.now());
    expect((await call(t.app, 'GET', '/user_queue_tokens/token_info', { token })).status).toBe(200);
    expect((await call(t.app, 'GET', '/concerts', { token })).status).toBe(200);
  });

  it('declares the bearer scheme, with 401 and 403, on exactly the three endpoints', async () => {
    const document = (await call(t.app, 'GET', '/docs-json')).body;
    expect(document.components.securitySchemes['caller-jwt']).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    );
    const bound: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const [method, operation] of Object.entries<Record<string, any>>(item)) {
        if (!(operation.security ?? []).some((entry: object) => 'caller-jwt' in entry)) continue;
        bound.push(`${method.toUpperCase()} ${path}`);
        expect(operation.responses['401'].content['application/json'].example).toEqual({
          message: 'Authentication required',
        });
        expect(operation.responses['403'].content['application/json'].example).toEqual({
          message: 'Not your account',
        });
      }
    }
    expect(bound.sort()).toEqual(
      ['GET /users/{user_id}', 'POST /user_queue_tokens', 'POST /users/{user_id}/charge'].sort(),
    );
  });
});

describe('caller authentication with RS256 keys from a JWKS (AUTH_JWKS_URL)', () => {
  let t: TestApp;
  let server: Server;
  let fetches = 0;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      fetches += 1;
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await createTestApp({
      env: { AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("accepts a JWT signed by the JWKS's key, and refuses one signed by another", async () => {
    const userId = await insertUser(t.db, '1.00');
    const jwt = await sign(privateKey, 'RS256', t.clock.now(), { sub: userId }, 'key-1');
    const got = await call(t.app, 'GET', `/users/${userId}`, { headers: bearer(jwt) });
    expect(got.status).toBe(200);
    expect(fetches).toBeGreaterThanOrEqual(1);
    const issued = await call(t.app, 'POST', '/user_queue_tokens', {
      body: { user_id: userId },
      headers: bearer(jwt),
    });
    expect(issued.status).toBe(201);

    for (const forged of [
      await sign(stranger.privateKey, 'RS256', t.clock.now(), { sub: userId }, 'key-1'),
      await sign(stranger.privateKey, 'RS256', t.clock.now(), { sub: userId }, 'key-2'),
      await sign(new TextEncoder().encode(SECRET), 'HS256', t.clock.now(), { sub: userId }),
    ]) {
      const response = await call(t.app, 'GET', `/users/${userId}`, { headers: bearer(forged) });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Authentication required' });
    }
    const other = await insertUser(t.db);
    const mismatch = await call(t.app, 'POST', `/users/${other}/charge`, {
      body: { amount: 1 },
      headers: bearer(jwt),
    });
    expect(mismatch.status).toBe(403);
  });
});

describe('caller authentication with an ES256 public key (AUTH_JWT_PUBLIC_KEY)', () => {
  let t: TestApp;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    // On one line with \n escapes, as an env file often holds a PEM.
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    t = await createTestApp({
      env: { AUTH_JWT_PUBLIC_KEY: pem.trim().replace(/\n/g, '\\n'), AUTH_JWT_AUDIENCE: AUDIENCE },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts an ES256 JWT of that key and refuses any other', async () => {
    const userId = await insertUser(t.db, '1.00');
    const jwt = await sign(privateKey, 'ES256', t.clock.now(), { sub: userId, aud: AUDIENCE });
    const charged = await call(t.app, 'POST', `/users/${userId}/charge`, {
      body: { amount: 2.5 },
      headers: bearer(jwt),
    });
    expect(charged.status).toBe(200);
    expect(charged.body).toEqual({ result: true, balance: 3.5 });

    for (const refused of [
      await sign(rsa.privateKey, 'RS256', t.clock.now(), { sub: userId, aud: AUDIENCE }),
      await sign(privateKey, 'ES256', t.clock.now(), { sub: userId, aud: 'another-api' }),
      await sign(privateKey, 'ES256', t.clock.now(), { sub: userId }),
    ]) {
      const response = await call(t.app, 'GET', `/users/${userId}`, { headers: bearer(refused) });
      expect(response.status).toBe(401);
    }
  });
});

describe('without caller authentication (the default)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs no JWT, ignores an Authorization header, and documents no bearer scheme', async () => {
    const userId = await insertUser(t.db, '1.00');
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Bearer garbage.garbage.garbage' },
    ];
    for (const headers of variants) {
      expect((await call(t.app, 'GET', `/users/${userId}`, { headers })).status).toBe(200);
      const charged = await call(t.app, 'POST', `/users/${userId}/charge`, {
        body: { amount: 1 },
        headers,
      });
      expect(charged.status).toBe(200);
    }
    const issued = await call(t.app, 'POST', '/user_queue_tokens', { body: { user_id: userId } });
    expect(issued.status).toBe(201);

    const document = (await call(t.app, 'GET', '/docs-json')).body;
    expect(document.components.securitySchemes['caller-jwt']).toBeUndefined();
    expect(JSON.stringify(document)).not.toContain('caller-jwt');
    expect(JSON.stringify(document)).not.toContain('Not your account');
    expect(document.paths['/users/{user_id}'].get.responses['401']).toBeUndefined();
  });
});
