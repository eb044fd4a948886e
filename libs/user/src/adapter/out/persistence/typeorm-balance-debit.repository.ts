import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import { BalanceDebitRepository } from '../../../application/port/out/balance-debit.repository';

@Injectable()
export class TypeOrmBalanceDebitRepository extends BalanceDebitRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async debit(userId: string, amount: Money): Promise<Money | null> {
    // Check and debit in one statement on the row lock: concurrent charges and payments queue
    // behind each other and none is lost; a short balance matches no row and changes nothing.
    const rows = await queryRows<{ balance: string }>(
      this.txHost.tx,
      `UPDATE users SET balance = balance - $2::numeric
        WHERE id = $1 AND balance >= $2::numeric
        RETURNING balance::text AS balance`,
      [userId, amount.toString()],
    );
    return rows.length === 0 ? null : Money.parse(rows[0].balance);
  }

  async appendPayment(userId: string, amount: Money, paymentId: number, at: Date): Promise<void> {
    await queryRows(
      this.txHost.tx,
      `INSERT INTO balance_ledger (user_id, kind, amount, payment_id, created_at)
       VALUES ($1, 'PAYMENT', $2, $3, $4)`,
      [userId, amount.negate().toString(), paymentId, at],
    );
  }
}
