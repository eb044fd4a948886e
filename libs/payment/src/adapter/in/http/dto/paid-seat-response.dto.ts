import { ApiProperty } from '@nestjs/swagger';

/** The seat, now the buyer's: the answer of a payment and of every retry of it. */
export class PaidSeatResponseDto {
  @ApiProperty({ example: 42, description: 'The performance seat id.' })
  id: number;

  @ApiProperty({ example: 3 })
  concert_performance_id: number;

  @ApiProperty({ example: 7 })
  seat_number: number;

  @ApiProperty({ format: 'uuid', example: '11111111-1111-4111-8111-111111111111' })
  user_id: string;

  @ApiProperty({ example: true, enum: [true] })
  booked: true;
}
