import { Money } from '@app/common/domain/money';
import { SeatStatus } from '@app/booking/domain';

export interface Concert {
  id: number;
  name: string;
}

/** A concert date ("performance"), with how many of its seats can still be booked. */
export interface Performance {
  id: number;
  concertId: number;
  maxSeats: number;
  availableSeats: number;
  price: Money;
  performanceDatetime: Date;
}

export interface Seat {
  id: number;
  performanceId: number;
  seatNumber: number;
  price: Money;
  booked: boolean;
  status: SeatStatus;
}
