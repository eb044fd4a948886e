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
});
