import { Injectable } from '@nestjs/common';
import { SeatSales } from '@app/booking';
import { PayableSeatRepository } from '../../../application/port/out/payable-seat.repository';

/** The seat being paid for, through the booking context that owns the seat tables. */
@Injectable()
export class BookingPayableSeatAdapter extends PayableSeatRepository {
  constructor(private readonly sales: SeatSales) {
    super();
  }

  wasHeldBy(token: string, seatId: number): Promise<boolean> {
    return this.sales.wasHeldBy(token, seatId);
  }
}
