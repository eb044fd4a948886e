import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';

export class SeatBookInfoDto {
  @ApiProperty({ example: 101 })
  id: number;

  @ApiProperty({ example: 57 })
  performance_seat_id: number;

  @ApiProperty({ type: String, nullable: true, example: '2026-11-26T12:00:00.000Z' })
  book_attempt_at: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  book_success_at: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-11-26T12:05:00.000Z' })
  expires_at: string | null;
}

@ApiExtraModels(SeatBookInfoDto)
export class TokenInfoDto {
  @ApiProperty({ format: 'uuid', example: '11111111-1111-4111-8111-111111111111' })
  user_id: string;

  @ApiProperty({
    enum: ['IN_QUEUE', 'IN_PROGRESS', 'EXPIRED'],
    example: 'IN_QUEUE',
    description: 'An IN_PROGRESS token past its TTL reads EXPIRED at once.',
  })
  status: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 42,
    description:
      '1-based place in line while IN_QUEUE, else null; also null while the token waits in the pre-queue of a scheduled opening. Never under the truth; may lag the admission job by a tick.',
  })
  position: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 84,
    description:
      "While IN_QUEUE: seconds until admission (whole seconds, at least 1). The free slots go to the first waiters at the next tick; past them, a waiter waits for as many slots to free, each when its session is expected to end: from the session lengths observed lately (admission to payment or expiry) and each active token's age, never later than its expiry; before any session ended, each is expected to last as long again as it has so far. Never faster than the rate cap. null when not queued, in the pre-queue, or while admission is paused or max_active is 0.",
  })
  estimated_wait_seconds: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'When an IN_PROGRESS token expires, else null.',
  })
  expires_at: string | null;

  @ApiProperty({
    // OpenAPI 3.0's `nullable` does not reach into a $ref: null is a second alternative.
    anyOf: [
      { $ref: getSchemaPath(SeatBookInfoDto) },
      { type: 'object', nullable: true, enum: [null] },
    ],
    description: "This token's current or last seat hold, or null.",
  })
  performance_seat_book_info: SeatBookInfoDto | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description:
      'While the token waits in the pre-queue of a scheduled opening: the opening (its position and estimate are null until the opening gives the pre-queue its places). Else null.',
  })
  opens_at: string | null;
}
