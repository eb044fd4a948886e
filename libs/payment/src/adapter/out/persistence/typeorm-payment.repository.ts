import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import { PaymentRepository } from '../../../application/port/out/payment.repository';
import { Payment } from '../../../domain/seat-payment';

export interface PaymentRow {
  id: string;
  user_id: string;
  performance_seat_id: string;
  token: string;
  amount: string;
  paid_at: Date;
}

@Injectable()
export class TypeOrmPaymentRepository extends PaymentRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async findByToken(token: string): Promise<Payment | null> {
    const rows = await queryRows<PaymentRow>(
      this.txHost.tx,
      `SELECT id, user_id, performance_seat_id, token, amount::text AS amount, paid_at
         FROM payments WHERE token = $1`,
      [token],
    );
    return rows.length === 0 ? null : toPayment(rows[0]);
  }
}

export function toPayment(row: PaymentRow): Payment {
  return {
    id: Number(row.id),
    userId: row.user_id,
    seatId: Number(row.performance_seat_id),
    token: row.token,
    amount: Money.parse(row.amount),
    paidAt: row.paid_at,
  };
}
