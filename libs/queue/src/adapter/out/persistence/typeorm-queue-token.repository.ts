import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QueueTokenRepository } from '../../../application/port/out/queue-token.repository';
import { QueueToken } from '../../../domain/queue-token';
import { QueueTokenEntity } from './queue-token.entity';

export function toQueueToken(entity: QueueTokenEntity): QueueToken {
  return {
    id: Number(entity.id),
    token: entity.token,
    userId: entity.userId,
    status: entity.status,
    createdAt: entity.createdAt,
    lastSeenAt: entity.lastSeenAt,
    activatedAt: entity.activatedAt,
    expiresAt: entity.expiresAt,
  };
}

@Injectable()
export class TypeOrmQueueTokenRepository extends QueueTokenRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async findByToken(token: string): Promise<QueueToken | null> {
    const entity = await this.txHost.tx.findOneBy(QueueTokenEntity, { token });
    return entity ? toQueueToken(entity) : null;
  }

  async hasPayment(token: string): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      'SELECT 1 FROM payments WHERE token = $1 LIMIT 1',
      [token],
    );
    return rows.length > 0;
  }
}
