import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import {
  PerformanceRepository,
  SeatRecord,
} from '../../../application/port/out/performance.repository';
import { Performance } from '../../../domain/catalog';
import { NewPerformance } from '../../../domain/new-performance';
import { availableSeatSql } from '../../../domain/seat-status';

interface PerformanceRow {
  id: string;
  concert_id: string;
  max_seats: number;
  available_seats: number;
  price: string;
  performance_datetime: Date;
}

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

function toPerformance(row: PerformanceRow): Performance {
  return {
    id: Number(row.id),
    concertId: Number(row.concert_id),
    maxSeats: row.max_seats,
    availableSeats: Number(row.available_seats),
    price: Money.parse(row.price),
    performanceDatetime: row.performance_datetime,
  };
}

/** Available at $2: the seat status's SQL twin, counted here so a performance is one row. */
const AVAILABLE_SEAT = availableSeatSql('s', 'i', '$2');

@Injectable()
export class TypeOrmPerformanceRepository extends PerformanceRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async listBookable(concertId: number, now: Date): Promise<Performance[]> {
    const rows = await queryRows<PerformanceRow>(
      this.txHost.tx,
      `SELECT p.id, p.concert_id, p.max_seats, p.price::text AS price, p.performance_datetime,
              count(*) FILTER (WHERE ${AVAILABLE_SEAT})::int AS available_seats
         FROM concert_performances p
         JOIN performance_seats s ON s.concert_performance_id = p.id
         JOIN performance_seat_book_info i ON i.performance_seat_id = s.id
        WHERE p.concert_id = $1 AND p.performance_datetime > $2
        GROUP BY p.id
       HAVING count(*) FILTER (WHERE ${AVAILABLE_SEAT}) > 0
        ORDER BY p.performance_datetime, p.id`,
      [concertId, now],
    );
    return rows.map(toPerformance);
  }

  async exists(performanceId: number): Promise<boolean> {
    const rows = await queryRows(
      this.txHost.tx,
      'SELECT 1 FROM concert_performances WHERE id = $1',
      [performanceId],
    );
    return rows.length > 0;
  }

  async listSeats(performanceId: number): Promise<SeatRecord[]> {
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

  async createWithSeats(concertId: number, input: NewPerformance): Promise<Performance | null> {
    // Inserting from the concerts row itself: a missing concert inserts nothing (no FK error).
    const created = await queryRows<PerformanceRow>(
      this.txHost.tx,
      `INSERT INTO concert_performances (concert_id, performance_datetime, max_seats, price)
       SELECT id, $2, $3, $4 FROM concerts WHERE id = $1
       RETURNING id, concert_id, max_seats, price::text AS price, performance_datetime,
                 max_seats AS available_seats`,
      [concertId, input.performanceDatetime, input.maxSeats, input.price.toString()],
    );
    if (created.length === 0) return null;
    // Set-based: all seats and their book-info rows in one statement, whatever max_seats is.
    await this.txHost.tx.query(
      `WITH seats AS (
         INSERT INTO performance_seats (concert_performance_id, seat_number, price)
         SELECT $1, n, $2 FROM generate_series(1, $3::int) AS n
         RETURNING id
       )
       INSERT INTO performance_seat_book_info (performance_seat_id) SELECT id FROM seats`,
      [created[0].id, input.price.toString(), input.maxSeats],
    );
    return toPerformance(created[0]);
  }
}
