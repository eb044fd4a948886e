import { Injectable } from '@nestjs/common';
import { SeatSaleRepository } from './port/out/seat-sale.repository';

/**
 * What booking offers a checkout beyond the SQL of a sale it exports (seat-sale.sql.ts: the
 * seat locked for payment, and its sale), which the checkout embeds in its one statement.
 * Booking owns the seat tables (performance_seats, performance_seat_book_info,
 * performance_seat_book_logs); payment never names them itself.
 */
@Injectable()
export class SeatSales {
  constructor(private readonly sales: SeatSaleRepository) {}

  /** Whether this token ever won or renewed a hold on this seat. */
  wasHeldBy(token: string, seatId: number): Promise<boolean> {
    return this.sales.wasHeldBy(token, seatId);
  }
}
