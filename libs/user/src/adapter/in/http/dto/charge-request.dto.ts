import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsNumber, IsPositive, Max } from 'class-validator';

export class ChargeRequestDto {
  @ApiProperty({
    description: 'Amount to add: greater than 0, at most 2 decimals, at most 10,000,000.',
    example: 100.0,
    minimum: 0.01,
    maximum: 10_000_000,
    multipleOf: 0.01,
  })
  @IsDefined({ message: 'amount is required' })
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 },
    { message: 'amount must be a number with at most 2 decimal places' },
  )
  @IsPositive({ message: 'amount must be greater than 0' })
  @Max(10_000_000, { message: 'amount must not be greater than 10000000' })
  amount: number;
}
