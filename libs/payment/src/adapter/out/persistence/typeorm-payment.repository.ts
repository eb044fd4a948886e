import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import { NewPayment, PaymentRepository } from '../../../application/port/out/payment.repository';
import { SeatAlreadyBookedError } from '@app/booking/domain';
import { TokenInvalidError } from '@app/queue/domain';
import { Payment } from '../../../domain/seat-payment';

interface PaymentRow {
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

  async record(payment: NewPayment): Promise<Payment> {
    // The unique seat and token constraints are the backstop of the seat lock; DO NOTHING
    // (rather than an error that aborts the transaction) lets us answer like the checks.
    const rows = await queryRows<{ id: string }>(
      this.txHost.tx,
      `INSERT INTO payments (user_id, performance_seat_id, token, amount, paid_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [payment.userId, payment.seatId, payment.token, payment.amount.toString(), payment.paidAt],
    );
    if (rows.length === 1) return { id: Number(rows[0].id), ...payment };
    // This seat is locked by us, so a payment with this token is for another seat: the token
    // is spent.
    if (await this.findByToken(payment.token)) throw new TokenInvalidError();
    throw new SeatAlreadyBookedError();
  }
}

function toPayment(row: PaymentRow): Payment {
  return {
    id: Number(row.id),
    userId: row.user_id,
    seatId: Number(row.performance_seat_id),
    token: row.token,
    amount: Money.parse(row.amount),
    paidAt: row.paid_at,
  };
}
