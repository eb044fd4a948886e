import { createHash, randomBytes } from 'node:crypto';
import {
  ForbiddenError,
  InvalidRequestError,
  UnauthorizedError,
} from '@app/common/domain/domain-error';
import { isActive } from './active-token.rule';

export type TokenStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'EXPIRED';

export interface QueueToken {
  id: number;
  token: string;
  userId: string;
  status: TokenStatus;
  /** Its place in the line's order while IN_QUEUE (null: not yet placed). */
  lineKey: number | null;
  createdAt: Date;
  lastSeenAt: Date;
  activatedAt: Date | null;
  /** When an IN_PROGRESS token stops being valid. */
  expiresAt: Date | null;
  /** A pre-queued token's arrival number, while it has no line key (absent or null: none). */
  prequeue?: PrequeueTicket | null;
}

/**
 * A pre-queued token's arrival number, and what the read that found it knew: places of its
 * opening below `lateBelow` were written before this token could be seen (0 when it was read
 * before its opening), so if its own place is one of them it came late and is placed behind.
 */
export interface PrequeueTicket {
  seq: number;
  lateBelow: number;
}

/**
 * The status a client sees: an IN_PROGRESS token past its TTL is EXPIRED at once, whether or
 * not the admission job has marked it yet.
 */
export function visibleStatus(
  token: Pick<QueueToken, 'status' | 'expiresAt'>,
  now: Date,
): TokenStatus {
  if (token.status === 'IN_PROGRESS' && !isActive(token, now)) return 'EXPIRED';
  return token.status;
}

/** Live tokens are the ones the one-per-user rule is about. */
export function isLive(token: Pick<QueueToken, 'status'>): boolean {
  return token.status === 'IN_QUEUE' || token.status === 'IN_PROGRESS';
}

/**
 * A new token value: MD5 hex of the user id, the creation time and 16 random bytes. The nonce
 * makes it impossible to compute from public facts (a user id and a guessed time).
 */
export function newTokenValue(
  userId: string,
  createdAt: Date,
  nonce: Buffer = randomBytes(16),
): string {
  return createHash('md5')
    .update(userId)
    .update(createdAt.toISOString())
    .update(nonce)
    .digest('hex');
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

/**
 * A token's standing as another context's statement read it (`tokenStandingSql`'s row, as last
 * committed): whose it is, its status and its expiry. What `refuseUnlessActive` judges before
 * a booking or a checkout writes anything.
 */
export interface TokenStanding {
  userId: string;
  status: TokenStatus;
  expiresAt: Date | null;
}

/**
 * What an endpoint that needs an active token answers for a token as it stands, once: nothing
 * when it is active at `now` (or has `paid`, for a payment's retry); 401 for an unknown,
 * expired or overdue token; 403 while it is still in queue. The guard asks it of the token it
 * read, the booking and the checkout of the token their statement read.
 */
export function refuseUnlessActive<T extends Pick<TokenStanding, 'status' | 'expiresAt'>>(
  token: T | null,
  now: Date,
  options: { paid?: boolean } = {},
): asserts token is T {
  if (!token) throw new TokenInvalidError();
  if (token.status === 'IN_QUEUE') throw new TokenStillInQueueError();
  if (!isActive(token, now) && !options.paid) throw new TokenInvalidError();
}

/** POST /user_queue_tokens for a user that does not exist: the contract says 400. */
export class QueueUserNotFoundError extends InvalidRequestError {
  constructor() {
    super('User not found');
  }
}
