import { ApiProperty } from '@nestjs/swagger';

export class SeatHoldResponseDto {
  @ApiProperty({ example: 57 })
  performance_seat_id: number;

  @ApiProperty({
    example: '2026-11-26T12:00:00.000Z',
    description: 'When this hold was taken (a repeat returns the original time).',
  })
  book_attempt_at: string;

  @ApiProperty({
    example: '2026-11-26T12:05:00.000Z',
    description: 'When the hold lapses: pay before then (book_attempt_at + SEAT_HOLD_TTL_SECONDS).',
  })
  expires_at: string;
}
