import { Injectable } from '@nestjs/common';
import { SeatSales } from '@app/booking';
import { PayableSeatRepository } from '../../../application/port/out/payable-seat.repository';
import { PayableSeat } from '../../../domain/seat-payment';

/** The seat being paid for, through the booking context that owns the seat tables. */
@Injectable()
export class BookingPayableSeatAdapter extends PayableSeatRepository {
  constructor(private readonly sales: SeatSales) {
    super();
  }

  lockForPayment(seatId: number): Promise<PayableSeat | null> {
    return this.sales.lockForPayment(seatId);
  }

  wasHeldBy(token: string, seatId: number): Promise<boolean> {
    return this.sales.wasHeldBy(token, seatId);
  }

  markSold(seatId: number, userId: string, token: string, at: Date): Promise<boolean> {
    return this.sales.markSold(seatId, userId, token, at);
  }
}
