import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TokenStatus } from '../../../domain/queue-token';

@Entity({ name: 'user_queue_tokens' })
export class QueueTokenEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  token: string;

  @Column({
    type: 'enum',
    enum: ['IN_QUEUE', 'IN_PROGRESS', 'EXPIRED'],
    enumName: 'token_statuses',
  })
  status: TokenStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'expired_at', type: 'timestamptz', nullable: true })
  expiredAt: Date | null;
}
