import { Body, Controller, Get, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CallerAuthenticated } from '@app/common/adapter/http/caller-auth.guard';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { GetTokenInfoUseCase } from '../../../application/get-token-info.use-case';
import { IssueQueueTokenUseCase } from '../../../application/issue-queue-token.use-case';
import { QueueToken } from '../../../domain/queue-token';
import { IssuedQueueTokenDto, IssueQueueTokenRequestDto } from './dto/issue-queue-token.dto';
import { TokenInfoDto } from './dto/token-info.dto';
import { toTokenInfoDto } from './dto/token-info.mapper';
import { CurrentQueueToken } from './queue-token.guard';
import { QueueTokenRequired } from './queue-token-required.decorator';

@ApiTags('queue')
@Controller('user_queue_tokens')
export class QueueTokensController {
  constructor(
    private readonly issueToken: IssueQueueTokenUseCase,
    private readonly getTokenInfo: GetTokenInfoUseCase,
  ) {}

  @Post()
  @CallerAuthenticated()
  @ApiOperation({
    summary: 'Join the waiting line',
    security: [],
    description:
      'Issues an IN_QUEUE token at the end of the line, or returns the live token the user already has (IN_QUEUE with its current place, or IN_PROGRESS): a user has at most one live token. Poll `GET /user_queue_tokens/token_info` with it every 10 s (at least every 30 s), or keep `GET /user_queue_tokens/events` open: a waiter that has been near the head of the line for QUEUE_ABANDON_AFTER_SECONDS without polling in the last 30 s of that time is dropped when it reaches the head.',
  })
  @ApiCreatedResponse({
    type: IssuedQueueTokenDto,
    example: { token: '9f86d081884c7d659a2feaa0c55ad015', status: 'IN_QUEUE', position: 42 },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    examples: {
      'unknown user': { summary: 'No such user', value: { message: 'User not found' } },
      'malformed user_id': {
        summary: 'user_id missing or not a UUID (or unknown fields)',
        value: { message: 'user_id must be a UUID' },
      },
    },
  })
  async issue(@Body() body: IssueQueueTokenRequestDto): Promise<IssuedQueueTokenDto> {
    return this.issueToken.execute(body.user_id);
  }

  @Get('token_info')
  @QueueTokenRequired('ANY', { documentAnswers: false })
  @ApiOperation({
    summary: 'Where a token stands',
    description:
      'Any known token, whatever its status. While IN_QUEUE: 1-based `position` and `estimated_wait_seconds` (from the rate the line was observed to move at, else from the settings and the active tokens expiry times; null only while admission is paused or max_active is 0). While IN_PROGRESS: `expires_at`. Poll every few seconds: the cost of a poll does not grow with the length of the line.',
  })
  @ApiOkResponse({
    type: TokenInfoDto,
    example: {
      user_id: '11111111-1111-4111-8111-111111111111',
      status: 'IN_QUEUE',
      position: 42,
      estimated_wait_seconds: 84,
      expires_at: null,
      performance_seat_book_info: null,
      opens_at: null,
    },
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'No header, or a token nobody issued.',
    example: { message: 'Token is invalid' },
  })
  async tokenInfo(@CurrentQueueToken() token: QueueToken): Promise<TokenInfoDto> {
    return toTokenInfoDto(await this.getTokenInfo.execute(token));
  }
}
