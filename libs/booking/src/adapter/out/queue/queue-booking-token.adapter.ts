import { Injectable } from '@nestjs/common';
import { QueueTokenSessions } from '@app/queue';
import { BookingTokenRepository } from '../../../application/port/out/booking-token.repository';

/** The holder's token, checked by the queue context that owns it (user_queue_tokens). */
@Injectable()
export class QueueBookingTokenAdapter extends BookingTokenRepository {
  constructor(private readonly sessions: QueueTokenSessions) {
    super();
  }

  lockIfActive(token: string, now: Date): Promise<boolean> {
    return this.sessions.lockIfActive(token, now);
  }
}
