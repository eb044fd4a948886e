import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class IssueQueueTokenRequestDto {
  @ApiProperty({ format: 'uuid', example: '11111111-1111-4111-8111-111111111111' })
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id: string;
}

export class IssuedQueueTokenDto {
  @ApiProperty({
    example: '9f86d081884c7d659a2feaa0c55ad015',
    description: 'Send it as `X-Reservation-Token` on every token endpoint.',
  })
  token: string;

  @ApiProperty({ enum: ['IN_QUEUE', 'IN_PROGRESS'], example: 'IN_QUEUE' })
  status: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 42,
    description:
      '1-based place in line while IN_QUEUE, else null; null too while a scheduled opening is ahead (the token waits in the pre-queue).',
  })
  position: number | null;
}
