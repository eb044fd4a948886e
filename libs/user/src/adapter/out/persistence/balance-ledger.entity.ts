import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Money } from '@app/common/domain/money';
import { bigintId, moneyColumn } from '@app/common/adapter/persistence/column-transformers';

export type LedgerKind = 'CHARGE' | 'PAYMENT';

@Entity({ name: 'balance_ledger' })
export class BalanceLedgerEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: LedgerKind;

  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: moneyColumn })
  amount: Money;

  @Column({ name: 'payment_id', type: 'bigint', nullable: true, transformer: bigintId })
  paymentId: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
