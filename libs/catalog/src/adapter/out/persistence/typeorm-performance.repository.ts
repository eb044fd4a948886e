import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { SeatInventory } from '@app/booking';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { Money } from '@app/common/domain/money';
import {
  PerformanceRepository,
  SeatRecord,
} from '../../../application/port/out/performance.repository';
import { Performance } from '../../../domain/catalog';
import { NewPerformance } from '../../../domain/new-performance';

interface PerformanceRow {
  id: string;
  concert_id: string;
  max_seats: number;
  price: string;
  performance_datetime: Date;
}

function toPerformance(row: PerformanceRow, availableSeats: number): Performance {
  return {
    id: Number(row.id),
    concertId: Number(row.concert_id),
    maxSeats: row.max_seats,
    availableSeats,
    price: Money.parse(row.price),
    performanceDatetime: row.performance_datetime,
  };
}

const PERFORMANCE_COLUMNS = 'id, concert_id, max_seats, price::text AS price, performance_datetime';

/**
 * The catalog's tables (concert_performances) here; the seats are booking's tables, reached
 * through booking's SeatInventory (in the same transaction when there is one).
 */
@Injectable()
export class TypeOrmPerformanceRepository extends PerformanceRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly seats: SeatInventory,
  ) {
    super();
  }

  async listBookable(concertId: number, now: Date): Promise<Performance[]> {
    const rows = await queryRows<PerformanceRow>(
      this.txHost.tx,
      `SELECT ${PERFORMANCE_COLUMNS} FROM concert_performances
        WHERE concert_id = $1 AND performance_datetime > $2
        ORDER BY performance_datetime, id`,
      [concertId, now],
    );
    const available = await this.seats.countAvailable(
      rows.map((row) => Number(row.id)),
      now,
    );
    return rows
      .map((row) => toPerformance(row, available.get(Number(row.id)) ?? 0))
      .filter((performance) => performance.availableSeats > 0);
  }

  async exists(performanceId: number): Promise<boolean> {
    const rows = await queryRows(
      this.txHost.tx,
      'SELECT 1 FROM concert_performances WHERE id = $1',
      [performanceId],
    );
    return rows.length > 0;
  }

  listSeats(performanceId: number): Promise<SeatRecord[]> {
    return this.seats.listSeats(performanceId);
  }

  async createWithSeats(concertId: number, input: NewPerformance): Promise<Performance | null> {
    // Inserting from the concerts row itself: a missing concert inserts nothing (no FK error).
    const created = await queryRows<PerformanceRow>(
      this.txHost.tx,
      `INSERT INTO concert_performances (concert_id, performance_datetime, max_seats, price)
       SELECT id, $2, $3, $4 FROM concerts WHERE id = $1
       RETURNING ${PERFORMANCE_COLUMNS}`,
      [concertId, input.performanceDatetime, input.maxSeats, input.price.toString()],
    );
    if (created.length === 0) return null;
    await this.seats.createSeats(Number(created[0].id), input.maxSeats, input.price);
    return toPerformance(created[0], input.maxSeats);
  }
}
