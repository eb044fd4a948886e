import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { NoRequestBody } from '@app/common/adapter/http/json-body';
import { PositiveIdPipe } from '@app/common/adapter/http/positive-id.pipe';
import { PresentedQueueToken, QueueTokenRequired } from '@app/queue';
import { PayForSeatUseCase } from '../../../application/pay-for-seat.use-case';
import { PaidSeatResponseDto } from './dto/paid-seat-response.dto';

const example = (summary: string, message: string) => ({ summary, value: { message } });

@ApiTags('payment')
@Controller('performance_seats')
export class PaymentController {
  constructor(private readonly payForSeat: PayForSeatUseCase) {}

  @Post(':id/pay')
  @HttpCode(200)
  @NoRequestBody()
  @QueueTokenRequired('ACTIVE_AT_WRITE', { documentAnswers: false })
  @ApiOperation({
    summary: 'Pay for the seat this token holds',
    description: [
      'No body (an empty one with `Content-Type: application/json` is fine). In one transaction: the seat price leaves the balance, the seat becomes the',
      "user's (`booked`, `book_success_at`), a payment and a ledger row are written and the",
      'token becomes `EXPIRED`, freeing its place for the next user in line.',
      '',
      "The token is the payment's idempotency key: retrying a payment that succeeded (same",
      'token, same seat, e.g. after a client time-out) answers the same `200` body and charges',
      'nothing, although the token is now `EXPIRED`. Concurrent retries all get that answer.',
      'On any other seat a token that has paid is answered like any expired token:',
      '`401 Token is invalid`.',
      '',
      'The token is answered for before the seat: an unknown or expired token (one that has not',
      'paid) gets 401 and a queued one 403, whatever the seat. A malformed id gets 400 before the',
      'token is looked up (the checkout checks the token in the same statement as the payment).',
    ].join('\n'),
  })
  @ApiParam({ name: 'id', description: 'The performance seat id.', example: 42 })
  @ApiOkResponse({
    type: PaidSeatResponseDto,
    description: 'Paid (or an earlier payment of this token for this seat, retried).',
    example: {
      id: 42,
      concert_performance_id: 3,
      seat_number: 7,
      user_id: '11111111-1111-4111-8111-111111111111',
      booked: true,
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'The seat cannot be paid for with this token, the performance has started (nothing changes), or the id is malformed.',
    examples: {
      queueExpired: example(
        "This token's hold on the seat lapsed (past SEAT_HOLD_TTL_SECONDS)",
        'Queue expired',
      ),
      performanceStarted: example(
        'The performance has started (the hold was taken before the start): nothing changes',
        'Performance has already started',
      ),
      notHeld: example('This token never held the seat', 'Seat is not held by this token'),
      alreadyBooked: example('Someone else paid for the seat', 'Seat is already booked'),
      malformedId: example('The id is not a positive integer', 'id must be a positive integer'),
    },
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description:
      'No X-Reservation-Token, an unknown token, or an expired one (or past its TTL), unless this is the retry of its own payment (same seat): a token that has paid gets this on any other seat.',
    example: { message: 'Token is invalid' },
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description:
      'The balance is short of the price (nothing changes; the hold stays until it lapses), or the token is still waiting in line.',
    examples: {
      insufficientBalance: example('The balance is short of the price', 'Insufficient balance'),
      stillInQueue: example('The token is still IN_QUEUE', 'Token is still in queue'),
    },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    example: { message: 'Performance seat not found' },
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Another token holds the seat, live.',
    example: { message: 'Other user is booking the seat' },
  })
  async pay(
    @Param('id', new PositiveIdPipe('id')) seatId: number,
    @PresentedQueueToken() token: string,
  ): Promise<PaidSeatResponseDto> {
    // The guard only checked that a well-formed token came: the checkout's statement checks it.
    const seat = await this.payForSeat.execute(seatId, token);
    return {
      id: seat.id,
      concert_performance_id: seat.concertPerformanceId,
      seat_number: seat.seatNumber,
      user_id: seat.userId,
      booked: true,
    };
  }
}
