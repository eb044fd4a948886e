import { createPublicKey } from 'node:crypto';
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
  MinLength,
  validateSync,
} from 'class-validator';
import { MAX_QUEUE_SETTING } from '@app/queue/domain';

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
  // The same bound as the live override (PATCH /admin/queue).
  @Max(MAX_QUEUE_SETTING)
  QUEUE_MAX_ACTIVE_TOKENS = 100;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  // The same bound as the live override (PATCH /admin/queue).
  @Max(MAX_QUEUE_SETTING)
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

  /** Per client IP and instance: a token bucket refilled at this rate; 0 turns it off. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_SECOND = 20;

  /** The bucket's size: the most requests one IP may send at once. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_BURST = 40;

  /** The client IP is the first X-Forwarded-For address (behind a load balancer only). */
  @Transform(toBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  /** Comma-separated origins allowed to call the API from a browser; unset: no CORS headers. */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^/,\s]+\s*(,\s*https?:\/\/[^/,\s]+\s*)*$/, {
    message:
      'CORS_ORIGINS must be a comma-separated list of origins such as https://shop.example.com,http://localhost:5173 (scheme, host and optional port; no path)',
  })
  CORS_ORIGINS?: string;

  /** HS256 secret of the callers' JWTs (at least 32 characters). */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters (256 bits)' })
  AUTH_JWT_SECRET?: string;

  /** PEM public key (RSA for RS256, EC P-256 for ES256) of the callers' JWTs. */
  @IsOptional()
  @IsString()
  AUTH_JWT_PUBLIC_KEY?: string;

  /** JWKS URL serving the keys of the callers' JWTs (RS256 or ES256). */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'AUTH_JWKS_URL must be an http(s) URL' })
  AUTH_JWKS_URL?: string;

  /** Required `iss` of the callers' JWTs. */
  @IsOptional()
  @IsString()
  AUTH_JWT_ISSUER?: string;

  /** Required `aud` of the callers' JWTs. */
  @IsOptional()
  @IsString()
  AUTH_JWT_AUDIENCE?: string;
}

/** Variables whose value must never appear in an error message. */
const SECRET_VARIABLES = new Set(['ADMIN_API_KEY', 'AUTH_JWT_SECRET']);

/** The algorithm a PEM public key verifies: RS256 for RSA, ES256 for EC P-256; else an error. */
export function jwtAlgorithmOfPublicKey(pem: string): 'RS256' | 'ES256' {
  let key;
  try {
    key = createPublicKey(normalisePem(pem));
  } catch (error) {
    throw new Error(
      `AUTH_JWT_PUBLIC_KEY is not a PEM public key (-----BEGIN PUBLIC KEY-----...): ${(error as Error).message}`,
    );
  }
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  throw new Error(
    `AUTH_JWT_PUBLIC_KEY must be an RSA (RS256) or EC P-256 (ES256) public key, not ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}`,
  );
}

/** A PEM given on one line with `\n` escapes (as env files often hold it) is a PEM too. */
export function normalisePem(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}

/** Rules across variables, and checks class-validator cannot express. */
function crossCheck(env: Environment): string[] {
  const problems: string[] = [];
  const auth = (['AUTH_JWT_SECRET', 'AUTH_JWT_PUBLIC_KEY', 'AUTH_JWKS_URL'] as const).filter(
    (name) => env[name] !== undefined,
  );
  if (auth.length > 1) {
    problems.push(
      `${auth.join(', ')}: set at most one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY and AUTH_JWKS_URL`,
    );
  }
  if (env.AUTH_JWT_PUBLIC_KEY !== undefined) {
    try {
      jwtAlgorithmOfPublicKey(env.AUTH_JWT_PUBLIC_KEY);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (auth.length === 0) {
    for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'] as const) {
      if (env[name] !== undefined) {
        problems.push(
          `${name}: needs one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL (it checks the callers' JWTs)`,
        );
      }
    }
  }
  return problems;
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
  'RATE_LIMIT_PER_SECOND',
  'RATE_LIMIT_BURST',
  'TRUST_PROXY',
  'CORS_ORIGINS',
  'AUTH_JWT_SECRET',
  'AUTH_JWT_PUBLIC_KEY',
  'AUTH_JWKS_URL',
  'AUTH_JWT_ISSUER',
  'AUTH_JWT_AUDIENCE',
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
        const shown = SECRET_VARIABLES.has(error.property)
          ? '[redacted]'
          : JSON.stringify(raw[error.property]);
        return `${error.property}=${shown}: ${constraints}`;
      })
      .join('\n  ');
    throw new Error(`Invalid configuration:\n  ${details}`);
  }
  const problems = crossCheck(env);
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return env;
}
