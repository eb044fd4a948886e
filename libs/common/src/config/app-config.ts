import {
  Environment,
  jwtAlgorithmOfPublicKey,
  normalisePem,
  validateEnvironment,
} from './environment';

/** How callers' JWTs are checked, when caller authentication is on. */
export type CallerAuthConfig = (
  | { kind: 'secret'; secret: string }
  | { kind: 'public-key'; pem: string; algorithm: 'RS256' | 'ES256' }
  | { kind: 'jwks'; url: string }
) & { issuer: string | undefined; audience: string | undefined };

/**
 * The validated, typed configuration every module reads. Built once from the environment at
 * boot (through @nestjs/config's `validate`), or from explicit values in tests.
 */
export class AppConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly adminApiKey: string | undefined;
  readonly queueMaxActiveTokens: number;
  readonly queueAdmitPerMinute: number;
  readonly queueActiveTtlSeconds: number;
  readonly queueAbandonAfterSeconds: number;
  readonly seatHoldTtlSeconds: number;
  readonly queueTokenCacheSize: number;
  readonly schedulerIntervalMs: number;
  readonly schedulerEnabled: boolean;
  readonly logLevel: string;
  /** Requests per second per client IP and instance; 0: no rate limit. */
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  readonly trustProxy: boolean;
  /** Origins allowed by CORS; empty: no CORS headers at all. */
  readonly corsOrigins: string[];
  /** Undefined: no caller authentication (the user id in the request is trusted). */
  readonly callerAuth: CallerAuthConfig | undefined;

  constructor(env: Environment) {
    if (!env.DATABASE_URL) {
      throw new Error('DATABASE_URL must be set before the application module is built');
    }
    this.port = env.PORT;
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.adminApiKey = env.ADMIN_API_KEY;
    this.queueMaxActiveTokens = env.QUEUE_MAX_ACTIVE_TOKENS;
    this.queueAdmitPerMinute = env.QUEUE_ADMIT_PER_MINUTE;
    this.queueActiveTtlSeconds = env.QUEUE_ACTIVE_TTL_SECONDS;
    this.queueAbandonAfterSeconds = env.QUEUE_ABANDON_AFTER_SECONDS;
    this.seatHoldTtlSeconds = env.SEAT_HOLD_TTL_SECONDS;
    this.queueTokenCacheSize = env.QUEUE_TOKEN_CACHE_SIZE;
    this.schedulerIntervalMs = env.SCHEDULER_INTERVAL_MS;
    this.schedulerEnabled = env.SCHEDULER_ENABLED;
    this.logLevel = env.LOG_LEVEL;
    this.rateLimitPerSecond = env.RATE_LIMIT_PER_SECOND;
    this.rateLimitBurst = env.RATE_LIMIT_BURST;
    this.trustProxy = env.TRUST_PROXY;
    this.corsOrigins = (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    this.callerAuth = callerAuthOf(env);
  }

  static fromRaw(raw: Record<string, unknown>): AppConfig {
    return new AppConfig(validateEnvironment(raw));
  }
}

function callerAuthOf(env: Environment): CallerAuthConfig | undefined {
  const checks = { issuer: env.AUTH_JWT_ISSUER, audience: env.AUTH_JWT_AUDIENCE };
  if (env.AUTH_JWT_SECRET !== undefined) {
    return { kind: 'secret', secret: env.AUTH_JWT_SECRET, ...checks };
  }
  if (env.AUTH_JWT_PUBLIC_KEY !== undefined) {
    const pem = normalisePem(env.AUTH_JWT_PUBLIC_KEY);
    return { kind: 'public-key', pem, algorithm: jwtAlgorithmOfPublicKey(pem), ...checks };
  }
  if (env.AUTH_JWKS_URL !== undefined) return { kind: 'jwks', url: env.AUTH_JWKS_URL, ...checks };
  return undefined;
}
