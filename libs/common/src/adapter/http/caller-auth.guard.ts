import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  Logger,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createPublicKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, JWTPayload, jwtVerify } from 'jose';
import { AppConfig, CallerAuthConfig } from '../../config/app-config';
import { Clock } from '../../domain/clock';
import { ForbiddenError, UnauthorizedError } from '../../domain/domain-error';
import { CALLER_JWT_SCHEME } from './api-security';
import { ErrorResponseDto } from './error-response.dto';

export const AUTHENTICATION_REQUIRED = 'Authentication required';
export const NOT_YOUR_ACCOUNT = 'Not your account';

type Verify = (jwt: string, now: Date) => Promise<JWTPayload>;

/**
 * Optional caller authentication (contract: "Protection"). With AUTH_JWT_SECRET,
 * AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL set, the request must carry `Authorization: Bearer
 * <JWT>` with a good signature, an `exp` in the future and, when configured, the right `iss`
 * and `aud` (else 401), and its `sub` must be the request's `user_id`, from the path or the
 * body, compared case-insensitively (else 403). Unconfigured, it lets every request through.
 */
@Injectable()
export class CallerAuthGuard implements CanActivate {
  private readonly logger = new Logger('CallerAuth');
  private readonly verify: Verify | undefined;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.verify = config.callerAuth && verifierFor(config.callerAuth);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.verify) return true;
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | string[] | undefined>;
      params?: Record<string, unknown>;
      body?: unknown;
    }>();
    const match = /^Bearer +([\w-]+\.[\w-]+\.[\w-]+) *$/i.exec(
      String(request.headers.authorization ?? ''),
    );
    if (!match) throw new UnauthorizedError(AUTHENTICATION_REQUIRED);
    let subject: string;
    try {
      subject = String((await this.verify(match[1], this.clock.now())).sub);
    } catch (error) {
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout) {
        this.logger.warn(`JWT not verified: ${(error as Error).message}`);
      }
      throw new UnauthorizedError(AUTHENTICATION_REQUIRED);
    }
    const userId = request.params?.user_id ?? (request.body as { user_id?: unknown })?.user_id;
    if (typeof userId !== 'string' || userId.toLowerCase() !== subject.toLowerCase()) {
      throw new ForbiddenError(NOT_YOUR_ACCOUNT);
    }
    return true;
  }
}

function verifierFor(auth: CallerAuthConfig): Verify {
  const checks = {
    issuer: auth.issuer,
    audience: auth.audience,
    requiredClaims: ['exp', 'sub'],
  };
  switch (auth.kind) {
    case 'secret': {
      const key = new TextEncoder().encode(auth.secret);
      return async (jwt, now) =>
        (await jwtVerify(jwt, key, { ...checks, algorithms: ['HS256'], currentDate: now })).payload;
    }
    case 'public-key': {
      const key: KeyObject = createPublicKey(auth.pem);
      return async (jwt, now) =>
        (await jwtVerify(jwt, key, { ...checks, algorithms: [auth.algorithm], currentDate: now }))
          .payload;
    }
    case 'jwks': {
      // Fetched on first use, cached, refetched (at most every 30 s) for an unknown `kid`.
      const keys = createRemoteJWKSet(new URL(auth.url), { timeoutDuration: 5000 });
      return async (jwt, now) =>
        (
          await jwtVerify(jwt, keys, {
            ...checks,
            algorithms: ['RS256', 'ES256'],
            currentDate: now,
          })
        ).payload;
    }
  }
}

/** Marks the answers that exist only with caller authentication on (see documentCallerAuth). */
const ONLY_WITH_AUTH = 'Only when caller authentication is configured (AUTH_JWT_*): ';

/**
 * The guard on an operation that acts for the `user_id` of its path or body, with its bearer
 * scheme and its 401/403 answers in the API document.
 */
export function CallerAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(CallerAuthGuard),
    ApiBearerAuth(CALLER_JWT_SCHEME),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: `${ONLY_WITH_AUTH}no \`Authorization: Bearer <JWT>\`, or a JWT with a bad signature, expired, or of the wrong issuer or audience.`,
      example: { message: AUTHENTICATION_REQUIRED },
    }),
    ApiForbiddenResponse({
      type: ErrorResponseDto,
      description: `${ONLY_WITH_AUTH}the JWT's \`sub\` is not this \`user_id\`.`,
      example: { message: NOT_YOUR_ACCOUNT },
    }),
  );
}

/**
 * The document says what this instance does: without caller authentication, the bearer
 * scheme and the answers that only it gives are taken out again.
 */
export function documentCallerAuth(document: OpenAPIObject, config: AppConfig): void {
  if (config.callerAuth) {
    document.components ??= {};
    document.components.securitySchemes ??= {};
    document.components.securitySchemes[CALLER_JWT_SCHEME] = {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        "A JWT from your identity provider whose `sub` is the user's id (checked: signature, `exp`, and `iss` / `aud` when configured).",
    };
  }
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as {
      security?: Record<string, string[]>[];
      responses?: Record<string, { description?: string }>;
    }[]) {
      const onlyWithAuth = ['401', '403'].filter((status) =>
        operation.responses?.[status]?.description?.startsWith(ONLY_WITH_AUTH),
      );
      if (onlyWithAuth.length === 0) continue;
      if (config.callerAuth) {
        // The operation needs the bearer JWT (an explicit `security: []` said public).
        operation.security = [{ [CALLER_JWT_SCHEME]: [] }];
        continue;
      }
      const kept = (operation.security ?? []).filter((entry) => !(CALLER_JWT_SCHEME in entry));
      // Public without caller authentication, and said so explicitly.
      operation.security = kept;
      for (const status of onlyWithAuth) delete operation.responses![status];
    }
  }
}
