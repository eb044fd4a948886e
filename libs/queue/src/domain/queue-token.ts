import { ForbiddenError, UnauthorizedError } from '@app/common/domain/domain-error';

export type TokenStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'EXPIRED';

export interface QueueToken {
  id: number;
  token: string;
  userId: string;
  status: TokenStatus;
  createdAt: Date;
  lastSeenAt: Date;
  activatedAt: Date | null;
  /** When an IN_PROGRESS token stops being valid. */
  expiresAt: Date | null;
}

/** An active token is IN_PROGRESS and inside its TTL, whether or not the job has run. */
export function isActive(token: Pick<QueueToken, 'status' | 'expiresAt'>, now: Date): boolean {
  return (
    token.status === 'IN_PROGRESS' &&
    token.expiresAt !== null &&
    token.expiresAt.getTime() > now.getTime()
  );
}

/** The shape a token must have before we even look it up: 32 lowercase hex characters. */
export const TOKEN_FORMAT = /^[0-9a-f]{32}$/;

export class TokenInvalidError extends UnauthorizedError {
  constructor() {
    super('Token is invalid');
  }
}

export class TokenStillInQueueError extends ForbiddenError {
  constructor() {
    super('Token is still in queue');
  }
}
