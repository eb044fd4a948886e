import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/**
 * The environment variables the service reads, validated at boot. A bad value stops the app
 * with a message that names the variable. Defaults are the contract's.
 */
export class Environment {
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  ADMIN_API_KEY?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  QUEUE_MAX_ACTIVE_TOKENS = 100;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  QUEUE_ADMIT_PER_MINUTE = 600;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400)
  QUEUE_ACTIVE_TTL_SECONDS = 600;

  /**
   * A waiter that has been near the head of the line for this long without polling is dropped
   * when it reaches the head. At least 10, so that a client polling every few seconds is safe.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  @Max(86_400)
  QUEUE_ABANDON_AFTER_SECONDS = 120;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400)
  SEAT_HOLD_TTL_SECONDS = 300;

  /** Waiting tokens whose immutable facts each instance keeps, so their polls need no lookup. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  QUEUE_TOKEN_CACHE_SIZE = 100_000;

  @Transform(toInteger)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  SCHEDULER_INTERVAL_MS = 1000;

  /** Runs the admission/release job in this instance (every instance may run it). */
  @Transform(toBoolean)
  @IsBoolean()
  SCHEDULER_ENABLED = true;

  /** Unset: true with the embedded database, false otherwise. */
  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean()
  SEED_DEMO_DATA?: boolean;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 20;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @IsOptional()
  @IsString()
  EMBEDDED_POSTGRES_DIR?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

/** Validates raw environment variables; throws one message naming every bad variable. */
const VARIABLES = [
  'PORT',
  'DATABASE_URL',
  'ADMIN_API_KEY',
  'QUEUE_MAX_ACTIVE_TOKENS',
  'QUEUE_ADMIT_PER_MINUTE',
  'QUEUE_ACTIVE_TTL_SECONDS',
  'QUEUE_ABANDON_AFTER_SECONDS',
  'SEAT_HOLD_TTL_SECONDS',
  'QUEUE_TOKEN_CACHE_SIZE',
  'SCHEDULER_INTERVAL_MS',
  'SCHEDULER_ENABLED',
  'SEED_DEMO_DATA',
  'DATABASE_POOL_SIZE',
  'EMBEDDED_POSTGRES_PORT',
  'EMBEDDED_POSTGRES_DIR',
  'LOG_LEVEL',
] as const satisfies readonly (keyof Environment)[];

/** Validates raw environment variables; throws one message naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const picked: Record<string, unknown> = {};
  for (const key of VARIABLES) {
    const value = raw[key];
    // An empty variable (`FOO=`) is unset: the default applies.
    if (value !== undefined && !(typeof value === 'string' && value.trim() === '')) {
      picked[key] = value;
    }
  }
  const env = plainToInstance(Environment, picked, { exposeDefaultValues: true });
  const errors = validateSync(env);
  if (errors.length > 0) {
    const details = errors
      .map((error) => {
        const constraints = Object.values(error.constraints ?? {}).join('; ');
        return `${error.property}=${JSON.stringify(raw[error.property])}: ${constraints}`;
      })
      .join('\n  ');
    throw new Error(`Invalid configuration:\n  ${details}`);
  }
  return env;
}
