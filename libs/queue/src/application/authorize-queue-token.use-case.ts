import { Injectable } from '@nestjs/common';
import { Clock } from '@app/common/domain/clock';
import {
  isActive,
  QueueToken,
  TOKEN_FORMAT,
  TokenInvalidError,
  TokenStillInQueueError,
} from '../domain/queue-token';
import { QueueTokenRepository } from './port/out/queue-token.repository';

/**
 * What a request may do with its token:
 * - ANY: any known token, whatever its status (token_info);
 * - ACTIVE: an IN_PROGRESS token inside its TTL (every other token endpoint);
 * - ACTIVE_OR_PAID: ACTIVE, or a token that has paid, so that a payment retried after a
 *   client time-out gets its original answer although the payment expired the token.
 */
export type QueueTokenAccess = 'ANY' | 'ACTIVE' | 'ACTIVE_OR_PAID';

@Injectable()
export class AuthorizeQueueTokenUseCase {
  constructor(
    private readonly tokens: QueueTokenRepository,
    private readonly clock: Clock,
  ) {}

  async execute(raw: unknown, access: QueueTokenAccess): Promise<QueueToken> {
    if (typeof raw !== 'string' || !TOKEN_FORMAT.test(raw)) throw new TokenInvalidError();
    const token = await this.tokens.findByToken(raw);
    if (!token) throw new TokenInvalidError();
    if (access === 'ANY') return token;
    if (token.status === 'IN_QUEUE') throw new TokenStillInQueueError();
    if (isActive(token, this.clock.now())) return token;
    if (access === 'ACTIVE_OR_PAID' && (await this.tokens.hasPayment(token.token))) return token;
    throw new TokenInvalidError();
  }
}
