import { Injectable } from '@nestjs/common';
import { TokenSessionRepository } from './port/out/token-session.repository';

/**
 * What the queue offers the contexts a token is spent in: the check of a token's session, on
 * user_queue_tokens, which only the queue writes. Each call joins the caller's transaction.
 * (Booking's hold and payment's checkout embed the queue's SQL for the same checks and the
 * end of a paid token's session in one statement of their own: token-session.sql.ts.)
 */
@Injectable()
export class QueueTokenSessions {
  constructor(private readonly sessions: TokenSessionRepository) {}

  /**
   * For a booking about to commit: whether the token is still active, under a share lock on
   * its row, so that a concurrent payment (whose UPDATE expires the token) commits either
   * before this read (false) or after the caller's transaction.
   */
  lockIfActive(token: string, now: Date): Promise<boolean> {
    return this.sessions.lockIfActive(token, now);
  }
}
