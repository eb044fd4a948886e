import { ApiProperty } from '@nestjs/swagger';

export class ConcertResponseDto {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'Seoul Jazz Night' })
  name: string;
}

export class PerformanceResponseDto {
  @ApiProperty({ example: 2 })
  id: number;

  @ApiProperty({ example: 1 })
  concert_id: number;

  @ApiProperty({ example: 50, description: 'Seats this performance has (numbered 1..max_seats).' })
  max_seats: number;

  @ApiProperty({
    example: 48,
    description: 'Seats neither paid for nor under a live hold right now.',
  })
  available_seats: number;

  @ApiProperty({ example: 120.0, description: 'Price of a seat.' })
  price: number;

  @ApiProperty({ example: '2026-12-10T19:00:00.000Z' })
  performance_datetime: string;
}

export class SeatResponseDto {
  @ApiProperty({ example: 57, description: 'The id to book and pay with.' })
  id: number;

  @ApiProperty({ example: 2 })
  concert_performance_id: number;

  @ApiProperty({ example: 7 })
  seat_number: number;

  @ApiProperty({ example: 120.0 })
  price: number;

  @ApiProperty({ example: false, description: 'True once paid for.' })
  booked: boolean;

  @ApiProperty({
    enum: ['AVAILABLE', 'HELD', 'BOOKED'],
    example: 'AVAILABLE',
    description:
      'BOOKED once paid; HELD while anyone holds it (a live hold); AVAILABLE otherwise, including a hold that has just lapsed.',
  })
  status: 'AVAILABLE' | 'HELD' | 'BOOKED';
}
