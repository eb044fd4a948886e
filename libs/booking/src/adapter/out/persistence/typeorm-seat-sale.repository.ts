import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import { SeatSaleRepository } from '../../../application/port/out/seat-sale.repository';
import { BookAttemptResult } from '../../../domain/book-attempt-result';
import { SeatForSale } from '../../../domain/seat-sale';

interface HoldRow {
  token: string | null;
  user_id: string | null;
  expires_at: Date | null;
  book_success_at: Date | null;
}

interface SeatRow {
  id: string;
  concert_performance_id: string;
  seat_number: number;
  price: string;
  booked: boolean;
  performance_datetime: Date;
}

/** The log results of an attempt that won or renewed the hold. */
const WON_RESULTS = (['HELD', 'ALREADY_HELD'] as const satisfies readonly BookAttemptResult[])
  .map((result) => `'${result}'`)
  .join(', ');

@Injectable()
export class TypeOrmSeatSaleRepository extends SeatSaleRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async lockForPayment(seatId: number): Promise<SeatForSale | null> {
    // Book-info first: it is the row holds, releases and payments all contend on; one fixed
    // order (book-info, seat, user, token) keeps concurrent payments from deadlocking.
    const holds = await queryRows<HoldRow>(
      this.txHost.tx,
      `SELECT token, user_id, expires_at, book_success_at
         FROM performance_seat_book_info
        WHERE performance_seat_id = $1
          FOR UPDATE`,
      [seatId],
    );
    if (holds.length === 0) return null;
    // NO KEY UPDATE: as exclusive as the UPDATE that sells the seat, yet it lets the foreign-key
    // checks of concurrent booking-log inserts on this seat through instead of queueing them.
    // The performance row is read, not locked: its start time is all payment needs of it.
    const seats = await queryRows<SeatRow>(
      this.txHost.tx,
      `SELECT s.id, s.concert_performance_id, s.seat_number, s.price::text AS price, s.booked,
              p.performance_datetime
         FROM performance_seats s
         JOIN concert_performances p ON p.id = s.concert_performance_id
        WHERE s.id = $1
          FOR NO KEY UPDATE OF s`,
      [seatId],
    );
    if (seats.length === 0) return null;
    const [hold] = holds;
    const [seat] = seats;
    return {
      id: Number(seat.id),
      performanceId: Number(seat.concert_performance_id),
      seatNumber: seat.seat_number,
      price: Money.parse(seat.price),
      booked: seat.booked,
      performanceDatetime: seat.performance_datetime,
      hold: {
        token: hold.token,
        userId: hold.user_id,
        expiresAt: hold.expires_at,
        bookSuccessAt: hold.book_success_at,
      },
    };
  }

  async wasHeldBy(token: string, seatId: number): Promise<boolean> {
    const rows = await queryRows(
      this.txHost.tx,
      `SELECT 1 FROM performance_seat_book_logs
        WHERE token = $1 AND performance_seat_id = $2 AND result IN (${WON_RESULTS})
        LIMIT 1`,
      [token, seatId],
    );
    return rows.length > 0;
  }

  async markSold(seatId: number, userId: string, token: string, at: Date): Promise<boolean> {
    // One statement: the seat is only marked when its hold became a sale, and vice versa.
    const rows = await queryRows(
      this.txHost.tx,
      `WITH sold AS (
         UPDATE performance_seat_book_info SET book_success_at = $3
          WHERE performance_seat_id = $1 AND token = $4 AND book_success_at IS NULL
          RETURNING performance_seat_id
       )
       UPDATE performance_seats SET booked = true, user_id = $2
        WHERE id = (SELECT performance_seat_id FROM sold) AND NOT booked
        RETURNING id`,
      [seatId, userId, at, token],
    );
    return rows.length === 1;
  }
}
