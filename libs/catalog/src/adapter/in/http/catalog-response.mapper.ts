import { Concert, Performance, Seat } from '../../../domain/catalog';
import {
  ConcertResponseDto,
  PerformanceResponseDto,
  SeatResponseDto,
} from './dto/catalog-response.dto';

export function toConcertResponse(concert: Concert): ConcertResponseDto {
  return { id: concert.id, name: concert.name };
}

export function toPerformanceResponse(performance: Performance): PerformanceResponseDto {
  return {
    id: performance.id,
    concert_id: performance.concertId,
    max_seats: performance.maxSeats,
    available_seats: performance.availableSeats,
    price: performance.price.toJSON(),
    performance_datetime: performance.performanceDatetime.toISOString(),
  };
}

export function toSeatResponse(seat: Seat): SeatResponseDto {
  return {
    id: seat.id,
    concert_performance_id: seat.performanceId,
    seat_number: seat.seatNumber,
    price: seat.price.toJSON(),
    booked: seat.booked,
    status: seat.status,
  };
}
