import { ApiProperty } from '@nestjs/swagger';
import { IsMoney } from '@app/common/adapter/http/is-money.decorator';
import { MAX_CHARGE } from '../../../../domain/user-account';

const MAX_CHARGE_AMOUNT = MAX_CHARGE.toJSON();

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
