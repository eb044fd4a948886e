import { ApiProperty } from '@nestjs/swagger';
import { IsMoney } from '@app/common/adapter/http/is-money.decorator';
import { MAX_BALANCE } from '../../../../domain/user-account';

export class ChargeResponseDto {
  @ApiProperty({ example: true })
  result: boolean;

  @ApiProperty({ example: 600.5, description: 'The balance after this charge.' })
  balance: number;
}

export class ConcertSummaryDto {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'Seoul Jazz Night' })
  name: string;
}

export class BookedPerformanceDto {
  @ApiProperty({ example: 2 })
  id: number;

  @ApiProperty({ example: '2026-12-10T19:00:00.000Z' })
  performance_datetime: string;

  @ApiProperty({ type: ConcertSummaryDto })
  concert: ConcertSummaryDto;
}

export class BookedSeatDto {
  @ApiProperty({ example: 57 })
  id: number;

  @ApiProperty({ example: 7 })
  seat_number: number;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z' })
  book_success_at: string;

  @ApiProperty({ type: BookedPerformanceDto })
  concert_performance: BookedPerformanceDto;
}

export class UserResponseDto {
  @ApiProperty({ example: '11111111-1111-4111-8111-111111111111', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 380.0 })
  balance: number;

  @ApiProperty({ type: [BookedSeatDto], description: 'The seats this user has paid for.' })
  booked_performance_seats: BookedSeatDto[];
}

export class CreateUserRequestDto {
  @ApiProperty({
    required: false,
    example: 500.0,
    minimum: 0,
    maximum: MAX_BALANCE.toJSON(),
    multipleOf: 0.01,
    description: 'Opening balance, default 0; recorded in the ledger as a charge.',
  })
  @IsMoney({ min: 0, max: MAX_BALANCE.toJSON(), optional: true })
  balance?: number;
}

export class CreatedUserDto {
  @ApiProperty({ example: '4b1f6a52-6a9e-4c55-9f7e-2f1b1c0f9a11', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 500.0 })
  balance: number;
}
