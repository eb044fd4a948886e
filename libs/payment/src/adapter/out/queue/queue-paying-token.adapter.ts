import { Injectable } from '@nestjs/common';
import { QueueTokenSessions } from '@app/queue';
import { PayingTokenRepository } from '../../../application/port/out/paying-token.repository';

/** The paying token's session, ended by the queue context that owns it (user_queue_tokens). */
@Injectable()
export class QueuePayingTokenAdapter extends PayingTokenRepository {
  constructor(private readonly sessions: QueueTokenSessions) {
    super();
  }

  expireAfterPayment(tokenId: number, at: Date): Promise<boolean> {
    return this.sessions.expireAfterPayment(tokenId, at);
  }
}
