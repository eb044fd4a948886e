import { generateKeyPairSync } from 'node:crypto';
import { AppConfig } from './app-config';
import { validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('applies the contract defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      PORT: 3000,
      QUEUE_MAX_ACTIVE_TOKENS: 100,
      QUEUE_ADMIT_PER_MINUTE: 600,
      QUEUE_ACTIVE_TTL_SECONDS: 600,
      SEAT_HOLD_TTL_SECONDS: 300,
      SCHEDULER_INTERVAL_MS: 1000,
      SCHEDULER_ENABLED: true,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.ADMIN_API_KEY).toBeUndefined();
    expect(env.SEED_DEMO_DATA).toBeUndefined();
  });

  it('converts strings from the environment', () => {
    const env = validateEnvironment({
      PORT: '8080',
      QUEUE_MAX_ACTIVE_TOKENS: '5',
      SEED_DEMO_DATA: 'false',
      SCHEDULER_ENABLED: '0',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      ADMIN_API_KEY: 'secret',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      QUEUE_MAX_ACTIVE_TOKENS: 5,
      SEED_DEMO_DATA: false,
      SCHEDULER_ENABLED: false,
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      ADMIN_API_KEY: 'secret',
    });
  });

  it('treats empty values as unset', () => {
    const env = validateEnvironment({
      ADMIN_API_KEY: '',
      SEED_DEMO_DATA: '',
      SCHEDULER_ENABLED: ' ',
    });
    expect(env.ADMIN_API_KEY).toBeUndefined();
    expect(env.SEED_DEMO_DATA).toBeUndefined();
    expect(env.SCHEDULER_ENABLED).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['QUEUE_MAX_ACTIVE_TOKENS', '-1'],
    ['QUEUE_ADMIT_PER_MINUTE', '1.5'],
    ['QUEUE_ACTIVE_TTL_SECONDS', '0'],
    ['SEAT_HOLD_TTL_SECONDS', 'ten'],
    ['QUEUE_ABANDON_AFTER_SECONDS', '5'],
    ['SCHEDULER_INTERVAL_MS', '10'],
    ['SEED_DEMO_DATA', 'maybe'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['LOG_LEVEL', 'loud'],
  ])('stops with a message naming %s for %j', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(
      new RegExp(`Invalid configuration:[\\s\\S]*${name}=`),
    );
  });

  it('names every bad variable at once', () => {
    expect(() => validateEnvironment({ PORT: 'x', SEAT_HOLD_TTL_SECONDS: 'y' })).toThrow(
      /PORT=[\s\S]*SEAT_HOLD_TTL_SECONDS=/,
    );
  });

  it('AppConfig needs a database URL', () => {
    expect(() => AppConfig.fromRaw({})).toThrow(/DATABASE_URL/);
    expect(AppConfig.fromRaw({ DATABASE_URL: 'postgres://x/y' }).databaseUrl).toBe(
      'postgres://x/y',
    );
  });

  describe('protection settings', () => {
    const ecPem = () =>
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();

    it('defaults: rate limit 20/s with bursts of 40, no proxy trusted, no CORS, no caller auth', () => {
      const config = AppConfig.fromRaw({ DATABASE_URL: 'postgres://x/y' });
      expect(config).toMatchObject({
        rateLimitPerSecond: 20,
        rateLimitBurst: 40,
        trustProxy: false,
        corsOrigins: [],
        callerAuth: undefined,
      });
    });

    it('reads CORS_ORIGINS as a trimmed list', () => {
      const config = AppConfig.fromRaw({
        DATABASE_URL: 'postgres://x/y',
        CORS_ORIGINS: ' http://localhost:5173 , https://shop.example.com',
      });
      expect(config.corsOrigins).toEqual(['http://localhost:5173', 'https://shop.example.com']);
    });

    it.each([
      ['RATE_LIMIT_PER_SECOND', '-1'],
      ['RATE_LIMIT_PER_SECOND', 'fast'],
      ['RATE_LIMIT_BURST', '0'],
      ['TRUST_PROXY', 'sometimes'],
      ['CORS_ORIGINS', '*'],
      ['CORS_ORIGINS', 'localhost:5173'],
      ['CORS_ORIGINS', 'https://shop.example.com/app'],
      ['AUTH_JWKS_URL', 'not a url'],
    ])('stops with a message naming %s for %j', (name, value) => {
      expect(() => validateEnvironment({ [name]: value })).toThrow(
        new RegExp(`Invalid configuration:[\\s\\S]*${name}=`),
      );
    });

    it('refuses a short HS256 secret without showing it', () => {
      expect(() => validateEnvironment({ AUTH_JWT_SECRET: 'hunter2' })).toThrow(
        /AUTH_JWT_SECRET=\[redacted\]: AUTH_JWT_SECRET must be at least 32 characters/,
      );
      expect(() => validateEnvironment({ AUTH_JWT_SECRET: 'hunter2' })).not.toThrow(/hunter2/);
    });

    it('takes at most one of the three key settings', () => {
      expect(() =>
        validateEnvironment({
          AUTH_JWT_SECRET: 'x'.repeat(32),
          AUTH_JWKS_URL: 'https://id.example.com/jwks.json',
        }),
      ).toThrow(/AUTH_JWT_SECRET, AUTH_JWKS_URL: set at most one of/);
    });

    it('refuses a public key that is not a PEM, or of another kind', () => {
      expect(() => validateEnvironment({ AUTH_JWT_PUBLIC_KEY: 'not a key' })).toThrow(
        /AUTH_JWT_PUBLIC_KEY is not a PEM public key/,
      );
      const ed25519 = generateKeyPairSync('ed25519')
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      expect(() => validateEnvironment({ AUTH_JWT_PUBLIC_KEY: ed25519 })).toThrow(
        /must be an RSA \(RS256\) or EC P-256 \(ES256\) public key, not ed25519/,
      );
    });

    it('refuses an issuer or audience with no key to check them', () => {
      expect(() => validateEnvironment({ AUTH_JWT_AUDIENCE: 'api' })).toThrow(
        /AUTH_JWT_AUDIENCE: needs one of/,
      );
    });

    it('reads the key settings into one caller-auth config', () => {
      const base = { DATABASE_URL: 'postgres://x/y', AUTH_JWT_ISSUER: 'https://id/' };
      expect(AppConfig.fromRaw({ ...base, AUTH_JWT_SECRET: 's'.repeat(32) }).callerAuth).toEqual({
        kind: 'secret',
        secret: 's'.repeat(32),
        issuer: 'https://id/',
        audience: undefined,
      });
      const pem = ecPem();
      expect(
        AppConfig.fromRaw({ ...base, AUTH_JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') }).callerAuth,
      ).toMatchObject({ kind: 'public-key', algorithm: 'ES256', pem });
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      expect(AppConfig.fromRaw({ ...base, AUTH_JWT_PUBLIC_KEY: rsa }).callerAuth).toMatchObject({
        algorithm: 'RS256',
      });
    });
  });
});
