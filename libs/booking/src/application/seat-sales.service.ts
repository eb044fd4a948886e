import { Injectable } from '@nestjs/common';
import { SeatSaleRepository } from './port/out/seat-sale.repository';
import { SeatForSale } from '../domain/seat-sale';

/**
 * What booking offers a checkout: a held seat, locked for payment, and its sale. Booking owns
 * the seat tables (performance_seats, performance_seat_book_info, performance_seat_book_logs);
 * payment calls this inside its own transaction and never touches them itself.
 */
@Injectable()
export class SeatSales {
  constructor(private readonly sales: SeatSaleRepository) {}

  /** The seat with its hold, its book-info and seat rows locked until the transaction ends. */
  lockForPayment(seatId: number): Promise<SeatForSale | null> {
    return this.sales.lockForPayment(seatId);
  }

  /** Whether this token ever won or renewed a hold on this seat. */
  wasHeldBy(token: string, seatId: number): Promise<boolean> {
    return this.sales.wasHeldBy(token, seatId);
  }

  /** The hold becomes a sale and the seat the user's, in one statement; false if it cannot. */
  markSold(seatId: number, userId: string, token: string, at: Date): Promise<boolean> {
    return this.sales.markSold(seatId, userId, token, at);
  }
}
