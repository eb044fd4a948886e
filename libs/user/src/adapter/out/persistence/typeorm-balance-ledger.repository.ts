import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Money } from '@app/common/domain/money';
import { BalanceLedgerRepository } from '../../../application/port/out/balance-ledger.repository';
import { BalanceLedgerEntity } from './balance-ledger.entity';

@Injectable()
export class TypeOrmBalanceLedgerRepository extends BalanceLedgerRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async appendCharge(userId: string, amount: Money): Promise<void> {
    await this.txHost.tx.insert(BalanceLedgerEntity, { userId, kind: 'CHARGE', amount });
  }
}
