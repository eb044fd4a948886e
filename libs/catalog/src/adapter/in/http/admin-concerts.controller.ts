import { Body, Controller, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminKeyGuard } from '@app/common/adapter/http/admin-key.guard';
import { ADMIN_KEY_SCHEME } from '@app/common/adapter/http/api-security';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { PositiveIdPipe } from '@app/common/adapter/http/positive-id.pipe';
import { Money } from '@app/common/domain/money';
import { CreateConcertUseCase } from '../../../application/create-concert.use-case';
import { CreatePerformanceUseCase } from '../../../application/create-performance.use-case';
import { toConcertResponse, toPerformanceResponse } from './catalog-response.mapper';
import {
  CreateConcertRequestDto,
  CreatePerformanceRequestDto,
} from './dto/admin-catalog-request.dto';
import { ConcertResponseDto, PerformanceResponseDto } from './dto/catalog-response.dto';

@ApiTags('admin')
@ApiSecurity(ADMIN_KEY_SCHEME)
@UseGuards(AdminKeyGuard)
@ApiUnauthorizedResponse({ type: ErrorResponseDto, example: { message: 'Admin key is invalid' } })
@Controller('admin/concerts')
export class AdminConcertsController {
  constructor(
    private readonly createConcert: CreateConcertUseCase,
    private readonly createPerformance: CreatePerformanceUseCase,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a concert' })
  @ApiCreatedResponse({
    type: ConcertResponseDto,
    example: { id: 4, name: 'Seoul Jazz Night' },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'name missing, not a string, blank or over 200 characters; unknown fields.',
    example: { message: 'name must not be blank' },
  })
  async create(@Body() body: CreateConcertRequestDto): Promise<ConcertResponseDto> {
    return toConcertResponse(await this.createConcert.execute(body.name));
  }

  @Post(':id/performances')
  @ApiOperation({
    summary: 'Create a date of a concert, with its seats',
    description:
      'Creates the performance, seats 1..max_seats at `price` and their (empty) book-info rows in one transaction.',
  })
  @ApiParam({
    name: 'id',
    schema: { type: 'integer', minimum: 1 },
    description: 'The concert id.',
    example: 1,
  })
  @ApiCreatedResponse({
    type: PerformanceResponseDto,
    example: {
      id: 9,
      concert_id: 1,
      max_seats: 50,
      available_seats: 50,
      price: 120.0,
      performance_datetime: '2026-12-24T19:00:00.000Z',
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'Malformed id, performance_datetime, max_seats (integer 1..10000) or price (0..10,000,000, 2 decimals); unknown fields. Nothing is written.',
    example: { message: 'max_seats must not be greater than 10000' },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, example: { message: 'Concert not found' } })
  async createDate(
    @Param('id', new PositiveIdPipe('id')) concertId: number,
    @Body() body: CreatePerformanceRequestDto,
  ): Promise<PerformanceResponseDto> {
    const performance = await this.createPerformance.execute(concertId, {
      performanceDatetime: new Date(body.performance_datetime),
      maxSeats: body.max_seats,
      price: Money.parse(body.price),
    });
    return toPerformanceResponse(performance);
  }
}
