import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CallerAuthenticated } from '@app/common/adapter/http/caller-auth.guard';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { UuidPipe } from '@app/common/adapter/http/uuid.pipe';
import { Money } from '@app/common/domain/money';
import { ChargeBalanceUseCase } from '../../../application/charge-balance.use-case';
import { GetUserProfileUseCase, UserProfile } from '../../../application/get-user-profile.use-case';
import { ChargeRequestDto } from './dto/charge-request.dto';
import { ChargeResponseDto, UserResponseDto } from './dto/user-response.dto';

const USER_ID_PARAM = {
  name: 'user_id',
  format: 'uuid',
  example: '11111111-1111-4111-8111-111111111111',
};

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly chargeBalance: ChargeBalanceUseCase,
    private readonly getUserProfile: GetUserProfileUseCase,
  ) {}

  @Post(':user_id/charge')
  @HttpCode(200)
  @CallerAuthenticated()
  @ApiOperation({
    summary: 'Top up a prepaid balance',
    security: [],
    description:
      'Adds `amount` to the balance and records it in the ledger, atomically. No token is needed; an `X-Reservation-Token` header, if sent, is ignored.',
  })
  @ApiParam(USER_ID_PARAM)
  @ApiOkResponse({ type: ChargeResponseDto, example: { result: true, balance: 600.5 } })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'Malformed user id or amount (not a number, <= 0, more than 2 decimals, > 10,000,000), or unknown fields.',
    example: { message: 'amount must be greater than 0' },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, example: { message: 'User not found' } })
  async charge(
    @Param('user_id', new UuidPipe('user_id')) userId: string,
    @Body() body: ChargeRequestDto,
  ): Promise<ChargeResponseDto> {
    const balance = await this.chargeBalance.execute(userId, Money.parse(body.amount));
    return { result: true, balance: balance.toJSON() };
  }

  @Get(':user_id')
  @CallerAuthenticated()
  @ApiOperation({
    summary: 'A user, their balance and the seats they have paid for',
    security: [],
    description: 'No token is needed.',
  })
  @ApiParam(USER_ID_PARAM)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, example: { message: 'user_id must be a UUID' } })
  @ApiNotFoundResponse({ type: ErrorResponseDto, example: { message: 'User not found' } })
  async get(@Param('user_id', new UuidPipe('user_id')) userId: string): Promise<UserResponseDto> {
    return toUserResponse(await this.getUserProfile.execute(userId));
  }
}

function toUserResponse(profile: UserProfile): UserResponseDto {
  return {
    id: profile.id,
    balance: profile.balance.toJSON(),
    booked_performance_seats: profile.bookedSeats.map((seat) => ({
      id: seat.id,
      seat_number: seat.seatNumber,
      book_success_at: seat.bookSuccessAt.toISOString(),
      concert_performance: {
        id: seat.performance.id,
        performance_datetime: seat.performance.performanceDatetime.toISOString(),
        concert: { id: seat.performance.concert.id, name: seat.performance.concert.name },
      },
    })),
  };
}
