import { ApiProperty } from '@nestjs/swagger';
import { IsMoney } from '@app/common/adapter/http/is-money.decorator';

/** At most this much per charge (contract). */
export const MAX_CHARGE_AMOUNT = 10_000_000;

export class ChargeRequestDto {
  @ApiProperty({
    description: 'Amount to add: greater than 0, at most 2 decimals, at most 10,000,000.',
    example: 100.0,
    minimum: 0.01,
    maximum: MAX_CHARGE_AMOUNT,
    multipleOf: 0.01,
  })
  @IsMoney({ min: 0, minExclusive: true, max: MAX_CHARGE_AMOUNT })
  amount: number;
}
