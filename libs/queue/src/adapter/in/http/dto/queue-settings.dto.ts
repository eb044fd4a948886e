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

  @ApiProperty({
    required: false,
    nullable: true,
    type: String,
    format: 'date-time',
    example: '2026-12-01T10:00:00+09:00',
    description:
      'A scheduled opening (ISO 8601 with an offset). Until then the line is closed: new tokens (and everyone waiting now) wait in a pre-queue with no position, and nobody is admitted. At the first admission tick at or after it, the pre-queue gets a random order (a pseudorandom permutation under a secret key drawn from a CSPRNG at that tick), ahead of everyone who arrives later. null or a past time: the line is open.',
  })
  @IsOptional()
  @IsOpeningTime()
  opens_at?: string | null;
}

/** An ISO 8601 date-time with an explicit offset (Z or ±hh:mm), a real calendar instant. */
const OPENING_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseOpeningTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !OPENING_TIME.test(value)) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return null;
  // new Date() rolls 2026-02-30 over to March: refuse dates that are not on the calendar.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const offsetMatch = /(Z|[+-]\d{2}:\d{2})$/.exec(value)!;
  const local = new Date(Date.UTC(year, month - 1, day));
  if (local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day || !offsetMatch) return null;
  return at;
}

function IsOpeningTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOpeningTime',
      validator: {
        validate: (value: unknown) => parseOpeningTime(value) !== null,
        defaultMessage: () => 'opens_at must be an ISO 8601 date-time with an offset, or null',
      },
    },
    options,
  );
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

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'The scheduled opening as stored (UTC), or null.',
  })
  opens_at: string | null;

  @ApiProperty({
    example: 0,
    description:
      'Tokens in the pre-queue: waiting for the opening (or, having joined it as it opened, for a place at the end), with no position yet.',
  })
  prequeue: number;
}
