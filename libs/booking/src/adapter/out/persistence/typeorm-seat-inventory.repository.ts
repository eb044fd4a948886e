import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import {
  SeatInventoryRepository,
  SeatRecord,
  SeatSoldTo,
} from '../../../application/port/out/seat-inventory.repository';
import { availableSeatSql } from '../../../domain/seat-status';
import { CREATE_SEATS_SQL } from './seat-creation.sql';

interface SeatRow {
  id: string;
  concert_performance_id: string;
  seat_number: number;
  price: string;
  booked: boolean;
  token: string | null;
  expires_at: Date | null;
  book_success_at: Date | null;
}

@Injectable()
export class TypeOrmSeatInventoryRepository extends SeatInventoryRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async create(performanceId: number, count: number, price: Money): Promise<number[]> {
    const rows = await queryRows<{ id: string }>(this.txHost.tx, CREATE_SEATS_SQL, [
      performanceId,
      price.toString(),
      count,
    ]);
    return rows.map((row) => Number(row.id));
  }

  async list(performanceId: number): Promise<SeatRecord[]> {
    const rows = await queryRows<SeatRow>(
      this.txHost.tx,
      `SELECT s.id, s.concert_performance_id, s.seat_number, s.price::text AS price, s.booked,
              i.token, i.expires_at, i.book_success_at
         FROM performance_seats s
         LEFT JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
        WHERE s.concert_performance_id = $1
        ORDER BY s.seat_number`,
      [performanceId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      performanceId: Number(row.concert_performance_id),
      seatNumber: row.seat_number,
      price: Money.parse(row.price),
      booked: row.booked,
      holdToken: row.token,
      holdExpiresAt: row.expires_at,
      bookSuccessAt: row.book_success_at,
    }));
  }

  async countAvailable(performanceIds: number[], now: Date): Promise<Map<number, number>> {
    const rows = await queryRows<{ performance_id: string; available: number }>(
      this.txHost.tx,
      `SELECT s.concert_performance_id AS performance_id,
              count(*) FILTER (WHERE ${availableSeatSql('s', 'i', '$2')})::int AS available
         FROM performance_seats s
         JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
        WHERE s.concert_performance_id = ANY($1::bigint[])
        GROUP BY s.concert_performance_id`,
      [performanceIds, now],
    );
    return new Map(rows.map((row) => [Number(row.performance_id), row.available]));
  }

  async soldTo(userId: string): Promise<SeatSoldTo[]> {
    const rows = await queryRows<{
      id: string;
      seat_number: number;
      book_success_at: Date;
      concert_performance_id: string;
    }>(
      this.txHost.tx,
      `SELECT s.id, s.seat_number, i.book_success_at, s.concert_performance_id
         FROM performance_seats s
         JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
        WHERE s.user_id = $1 AND s.booked
        ORDER BY i.book_success_at, s.id`,
      [userId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      seatNumber: row.seat_number,
      bookSuccessAt: row.book_success_at,
      performanceId: Number(row.concert_performance_id),
    }));
  }
}
