import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '@app/common/adapter/http/error-response.dto';
import { PositiveIdPipe } from '@app/common/adapter/http/positive-id.pipe';
import { QueueTokenRequired } from '@app/queue';
import { ListBookablePerformancesUseCase } from '../../../application/list-bookable-performances.use-case';
import { ListConcertsUseCase } from '../../../application/list-concerts.use-case';
import { ListSeatsUseCase } from '../../../application/list-seats.use-case';
import {
  toConcertResponse,
  toPerformanceResponse,
  toSeatResponse,
} from './catalog-response.mapper';
import {
  ConcertResponseDto,
  PerformanceResponseDto,
  SeatResponseDto,
} from './dto/catalog-response.dto';

/** What a buyer let in from the line browses: concerts, their dates, a date's seat map. */
@ApiTags('catalog')
@QueueTokenRequired()
@Controller()
export class CatalogController {
  constructor(
    private readonly listConcerts: ListConcertsUseCase,
    private readonly listPerformances: ListBookablePerformancesUseCase,
    private readonly listSeats: ListSeatsUseCase,
  ) {}

  @Get('concerts')
  @ApiOperation({ summary: 'Every concert, by id' })
  @ApiOkResponse({
    type: [ConcertResponseDto],
    example: [
      { id: 1, name: 'Seoul Jazz Night' },
      { id: 2, name: 'Busan Rock Festival' },
    ],
  })
  async concerts(): Promise<ConcertResponseDto[]> {
    return (await this.listConcerts.execute()).map(toConcertResponse);
  }

  @Get('concert_performances')
  @ApiOperation({
    summary: "A concert's dates that can still be booked",
    description:
      'Only performances still in the future with at least one available seat (neither paid for nor under a live hold), ordered by `performance_datetime`; an empty list when none.',
  })
  @ApiQuery({
    name: 'concert_id',
    type: 'integer',
    minimum: 1,
    required: true,
    example: 1,
    description: 'The concert id (from GET /concerts).',
  })
  @ApiOkResponse({
    type: [PerformanceResponseDto],
    example: [
      {
        id: 2,
        concert_id: 1,
        max_seats: 50,
        available_seats: 48,
        price: 120.0,
        performance_datetime: '2026-12-10T19:00:00.000Z',
      },
    ],
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'concert_id missing or not a positive integer.',
    example: { message: 'concert_id must be a positive integer' },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, example: { message: 'Concert not found' } })
  async performances(
    @Query('concert_id', new PositiveIdPipe('concert_id')) concertId: number,
  ): Promise<PerformanceResponseDto[]> {
    return (await this.listPerformances.execute(concertId)).map(toPerformanceResponse);
  }

  @Get('performance_seats')
  @ApiOperation({
    summary: "A concert date's seat map",
    description:
      'Every seat of the performance by `seat_number`, with `status`: `BOOKED` once paid, `HELD` while anyone holds it live, `AVAILABLE` otherwise (a lapsed hold is available at once).',
  })
  @ApiQuery({
    name: 'concert_date_id',
    type: 'integer',
    minimum: 1,
    required: true,
    example: 2,
    description: 'The performance id (from GET /concert_performances).',
  })
  @ApiOkResponse({
    type: [SeatResponseDto],
    example: [
      {
        id: 51,
        concert_performance_id: 2,
        seat_number: 1,
        price: 120.0,
        booked: true,
        status: 'BOOKED',
      },
      {
        id: 52,
        concert_performance_id: 2,
        seat_number: 2,
        price: 120.0,
        booked: false,
        status: 'HELD',
      },
      {
        id: 53,
        concert_performance_id: 2,
        seat_number: 3,
        price: 120.0,
        booked: false,
        status: 'AVAILABLE',
      },
    ],
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'concert_date_id missing or not a positive integer.',
    example: { message: 'concert_date_id must be a positive integer' },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, example: { message: 'Concert date not found' } })
  async seats(
    @Query('concert_date_id', new PositiveIdPipe('concert_date_id')) performanceId: number,
  ): Promise<SeatResponseDto[]> {
    return (await this.listSeats.execute(performanceId)).map(toSeatResponse);
  }
}
