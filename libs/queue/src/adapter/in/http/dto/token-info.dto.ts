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
    description: '1-based place in line while IN_QUEUE, else null.',
  })
  position: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 84,
    description:
      'While IN_QUEUE: position / admissions observed over the last minute, in seconds; null when no admission was observed (or not queued).',
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
}
