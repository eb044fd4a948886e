import { QueueToken } from '../../../domain/queue-token';

export abstract class QueueTokenRepository {
  abstract findByToken(token: string): Promise<QueueToken | null>;
  /** Whether a payment was made with this token (its idempotent retry stays allowed). */
  abstract hasPayment(token: string): Promise<boolean>;
}
