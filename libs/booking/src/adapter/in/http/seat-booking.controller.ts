import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { NoRequestBody } from '@app/common/adapter/http/json-body';
import { PositiveIdPipe } from '@app/common/adapter/http/positive-id.pipe';
import { PresentedQueueToken, QueueTokenRequired } from '@app/queue';
import { BookSeatUseCase } from '../../../application/book-seat.use-case';
import { SeatHoldResponseDto } from './dto/seat-hold-response.dto';

const errorExamples = (examples: Record<string, string>) => ({
  content: {
    'application/json': {
      schema: { $ref: getSchemaPath(ErrorResponseDto) },
      examples: Object.fromEntries(
        Object.entries(examples).map(([name, message]) => [name, { value: { message } }]),
      ),
    },
  },
});

@ApiTags('booking')
@ApiExtraModels(ErrorResponseDto)
@QueueTokenRequired('ACTIVE_AT_WRITE', { documentAnswers: false })
@Controller('performance_seats')
export class SeatBookingController {
  constructor(private readonly bookSeat: BookSeatUseCase) {}

  @Post(':id/book')
  @HttpCode(201)
  @NoRequestBody()
  @ApiOperation({
    summary: "Hold a seat for this token for SEAT_HOLD_TTL_SECONDS, never past the token's expiry",
    description: [
      'No body (an empty one with `Content-Type: application/json` is fine). Holds the seat for the token in `X-Reservation-Token` (an active one) until',
      '`expires_at`; pay with `POST /performance_seats/{id}/pay` before then.',
      '',
      "- `expires_at` is `SEAT_HOLD_TTL_SECONDS` after the booking, or the token's own",
      '  `expires_at` (see `GET /user_queue_tokens/token_info`) if that comes first: a hold',
      '  cannot outlive the token that must pay for it.',
      '- Booking the same seat again with the same token while the hold is live returns the',
      '  same hold (same `book_attempt_at` and `expires_at`; it is not extended).',
      '- A user holds at most one seat at a time; a seat has at most one live hold.',
      '- A hold is only created by a token still active when the hold commits: a booking that',
      "  races the same token's payment either commits before it or gets",
      '  `401 Token is invalid`.',
      '- The token is answered for before the seat: an unknown or expired token gets 401 and a',
      '  queued one 403, whatever the seat. A malformed id gets 400 before the token is looked',
      '  up (the booking checks the token in the same statement as the hold).',
      '- A hold past its `expires_at` is free at once, even before the release job clears it.',
      '- Every attempt on an existing seat, won or lost, is appended to',
      '  `performance_seat_book_logs` (`HELD`, `ALREADY_HELD`, `SEAT_ALREADY_BOOKED`,',
      '  `PERFORMANCE_STARTED`, `USER_HAS_RESERVATION`, `SEAT_HELD_BY_OTHER`). Attempts on a',
      '  seat that does not exist (404) or with a malformed id (400) are not logged.',
    ].join('\n'),
  })
  @ApiParam({
    name: 'id',
    schema: { type: 'integer', minimum: 1 },
    description: 'The performance seat id (from GET /performance_seats).',
    example: 57,
  })
  @ApiCreatedResponse({
    type: SeatHoldResponseDto,
    description:
      "The seat is held for this token (a new hold, or the same one again) until `expires_at`: SEAT_HOLD_TTL_SECONDS after `book_attempt_at`, or the token's expiry if sooner.",
    example: {
      performance_seat_id: 57,
      book_attempt_at: '2026-11-26T12:00:00.000Z',
      expires_at: '2026-11-26T12:05:00.000Z',
    },
  })
  @ApiBadRequestResponse({
    description: 'The seat is paid for, the performance has started, or the id is malformed.',
    ...errorExamples({
      booked: 'Seat is already booked',
      started: 'Performance has already started',
      malformed: 'id must be a positive integer',
    }),
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description:
      'No token, an unknown token, or an expired one (or past its TTL), including a token that a payment of its own expired while this booking was in flight.',
    example: { message: 'Token is invalid' },
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'The token is still waiting in line.',
    example: { message: 'Token is still in queue' },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    example: { message: 'Performance seat not found' },
  })
  @ApiConflictResponse({
    description:
      'This user already holds another seat (also by an older token of theirs), or another token holds this seat, live.',
    ...errorExamples({
      userHasReservation: 'User already has a reservation',
      heldByOther: 'Other user is booking the seat',
    }),
  })
  async book(
    @Param('id', new PositiveIdPipe('id')) id: number,
    @PresentedQueueToken() token: string,
  ): Promise<SeatHoldResponseDto> {
    // The guard only checked that a well-formed token came: the booking's statement checks it.
    const hold = await this.bookSeat.execute(id, token);
    return {
      performance_seat_id: hold.performanceSeatId,
      book_attempt_at: hold.bookAttemptAt.toISOString(),
      expires_at: hold.expiresAt.toISOString(),
    };
  }
}
