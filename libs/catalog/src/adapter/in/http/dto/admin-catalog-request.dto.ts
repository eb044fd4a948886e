import { ApiProperty } from '@nestjs/swagger';
import { IsMoney } from '@app/common/adapter/http/is-money.decorator';
import {
  IsDefined,
  IsInt,
  IsISO8601,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_SEAT_PRICE, MAX_SEATS_PER_PERFORMANCE } from '../../../../domain/new-performance';
import { MAX_CONCERT_NAME_LENGTH } from '../../../../domain/concert-name';

export class CreateConcertRequestDto {
  @ApiProperty({ example: 'Seoul Jazz Night', maxLength: MAX_CONCERT_NAME_LENGTH })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(MAX_CONCERT_NAME_LENGTH, {
    message: `name must be at most ${MAX_CONCERT_NAME_LENGTH} characters long`,
  })
  name: string;
}

/** A date and time with a time zone: the offset must be explicit, nothing is guessed. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class CreatePerformanceRequestDto {
  @ApiProperty({
    example: '2026-12-24T19:00:00.000Z',
    format: 'date-time',
    description: 'ISO 8601 date-time with a time zone (Z or ±hh:mm).',
  })
  @IsDefined({ message: 'performance_datetime is required' })
  @IsString({ message: 'performance_datetime must be an ISO 8601 date-time string' })
  @Matches(ISO_DATE_TIME, {
    message: 'performance_datetime must be an ISO 8601 date-time with a time zone',
  })
  // strict: a day the calendar does not have (Feb 30) is refused, not rolled over.
  @IsISO8601({ strict: true }, { message: 'performance_datetime must be a valid date-time' })
  performance_datetime: string;

  @ApiProperty({
    example: 50,
    minimum: 1,
    maximum: MAX_SEATS_PER_PERFORMANCE,
    description: 'Seats 1..max_seats.',
  })
  @IsDefined({ message: 'max_seats is required' })
  @IsInt({ message: 'max_seats must be an integer' })
  @Min(1, { message: 'max_seats must be at least 1' })
  @Max(MAX_SEATS_PER_PERFORMANCE, {
    message: `max_seats must not be greater than ${MAX_SEATS_PER_PERFORMANCE}`,
  })
  max_seats: number;

  @ApiProperty({
    example: 120.0,
    minimum: 0,
    maximum: MAX_SEAT_PRICE.toJSON(),
    multipleOf: 0.01,
    description: 'Price of every seat: at least 0, at most 2 decimals, at most 10,000,000.',
  })
  @IsMoney({ min: 0, max: MAX_SEAT_PRICE.toJSON() })
  price: number;
}
