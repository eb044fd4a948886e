import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { QUEUE_TOKEN_HEADER } from '@app/common/adapter/http/api-security';
import {
  AuthorizeQueueTokenUseCase,
  QueueTokenAccess,
} from '../../../application/authorize-queue-token.use-case';
import { QueueToken } from '../../../domain/queue-token';

const ACCESS_KEY = 'queue-token-access';

/** Marks a route (or controller) with what its token must allow; ACTIVE by default. */
export const RequireQueueToken = (access: QueueTokenAccess = 'ACTIVE') =>
  SetMetadata(ACCESS_KEY, access);

interface RequestWithToken {
  headers: Record<string, unknown>;
  queueToken?: QueueToken;
  /** ACTIVE_AT_WRITE: the token as presented; the route's own statement checks it. */
  presentedToken?: string;
}

/**
 * Enforces `X-Reservation-Token`: 401 `Token is invalid` (missing, unknown, expired or past
 * its TTL), 403 `Token is still in queue` where an active token is needed. On an
 * ACTIVE_AT_WRITE route it refuses a missing or malformed token only: the route's statement
 * reads the token's standing and the route answers 401/403 from it (`PresentedQueueToken`).
 */
@Injectable()
export class QueueTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authorize: AuthorizeQueueTokenUseCase,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<QueueTokenAccess | undefined>(ACCESS_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'ACTIVE';
    const request = context.switchToHttp().getRequest<RequestWithToken>();
    const raw = request.headers[QUEUE_TOKEN_HEADER];
    if (access === 'ACTIVE_AT_WRITE') {
      request.presentedToken = this.authorize.presented(raw);
      return true;
    }
    request.queueToken = await this.authorize.execute(raw, access);
    return true;
  }
}

/** The token the guard accepted. */
export const CurrentQueueToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): QueueToken => {
    const token = context.switchToHttp().getRequest<RequestWithToken>().queueToken;
    if (!token) throw new Error('CurrentQueueToken used on a route without QueueTokenGuard');
    return token;
  },
);

/**
 * The token of an ACTIVE_AT_WRITE route, as presented (well-formed, not yet checked): the
 * route's own statement checks it and the route answers 401/403 from what it read.
 */
export const PresentedQueueToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const token = context.switchToHttp().getRequest<RequestWithToken>().presentedToken;
    if (!token) throw new Error('PresentedQueueToken used on a route that is not ACTIVE_AT_WRITE');
    return token;
  },
);
