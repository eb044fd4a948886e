import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsOptional, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';

import {
  isValidSettingCount,
  MAX_QUEUE_SETTING as MAX_SETTING,
  settingCountMessage,
} from '../../../../domain/admission-policy';

/** One rule, one message: a JSON integer in 0..MAX_SETTING (no strings, no booleans). */
function IsSettingCount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSettingCount',
      validator: {
        validate: (value: unknown) => isValidSettingCount(value),
        defaultMessage: (args) => settingCountMessage(args?.property ?? 'value'),
      },
    },
    options,
  );
}

export class UpdateQueueSettingsRequestDto {
  @ApiProperty({
    required: false,
    nullable: true,
    type: Number,
    minimum: 0,
    maximum: MAX_SETTING,
    example: 50,
    description:
      'Cap on IN_PROGRESS tokens. null: back to QUEUE_MAX_ACTIVE_TOKENS. Lowering it admits nobody until the active count falls below it; nobody is evicted.',
  })
  @IsOptional()
  @IsSettingCount()
  max_active?: number | null;

  @ApiProperty({
    required: false,
    nullable: true,
    type: Number,
    minimum: 0,
    maximum: MAX_SETTING,
    example: 600,
    description: 'Admissions per sliding minute. null: back to QUEUE_ADMIT_PER_MINUTE.',
  })
  @IsOptional()
  @IsSettingCount()
  admit_per_minute?: number | null;

  @ApiProperty({
    required: false,
    type: Boolean,
    example: true,
    description: 'true stops admission (active tokens keep their TTL); false resumes it.',
  })
  // Unlike the numbers, null is no value here: only an absent key means "unchanged".
  @ValidateIf((_object: unknown, value: unknown) => value !== undefined)
  @IsBoolean({ message: 'paused must be a boolean' })
  paused?: boolean;
}

export class QueueStatusDto {
  @ApiProperty({ example: 1234, description: 'Tokens IN_QUEUE.' })
  waiting: number;

  @ApiProperty({ example: 100, description: 'IN_PROGRESS tokens inside their TTL.' })
  active: number;

  @ApiProperty({ example: 100, description: 'Effective cap (override, else the environment).' })
  max_active: number;

  @ApiProperty({ example: 600, description: 'Effective admissions per minute.' })
  admit_per_minute: number;

  @ApiProperty({ example: false })
  paused: boolean;
}
