import { Environment, validateEnvironment } from './environment';

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
  }

  static fromRaw(raw: Record<string, unknown>): AppConfig {
    return new AppConfig(validateEnvironment(raw));
  }
}
