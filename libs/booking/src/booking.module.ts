import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { BookingLookupsModule } from './booking-lookups.module';
import { BookSeatUseCase } from './application/book-seat.use-case';
import { BookLogRepository } from './application/port/out/book-log.repository';
import { BookingTokenRepository } from './application/port/out/booking-token.repository';
import { SeatHoldRepository } from './application/port/out/seat-hold.repository';
import { ReleaseLapsedHoldsUseCase } from './application/release-lapsed-holds.use-case';
import { SeatSaleRepository } from './application/port/out/seat-sale.repository';
import { SeatSales } from './application/seat-sales.service';
import { TypeOrmSeatSaleRepository } from './adapter/out/persistence/typeorm-seat-sale.repository';
import { SeatBookingController } from './adapter/in/http/seat-booking.controller';
import { HoldReleaseJob } from './adapter/in/schedule/hold-release.job';
import { TypeOrmBookLogRepository } from './adapter/out/persistence/typeorm-book-log.repository';
import { QueueBookingTokenAdapter } from './adapter/out/queue/queue-booking-token.adapter';
import { TypeOrmSeatHoldRepository } from './adapter/out/persistence/typeorm-seat-hold.repository';

/** Seat holds: booking a seat for a queue token, and releasing lapsed holds. */
@Module({
  imports: [QueueModule, BookingLookupsModule],
  controllers: [SeatBookingController],
  providers: [
    BookSeatUseCase,
    ReleaseLapsedHoldsUseCase,
    HoldReleaseJob,
    { provide: SeatHoldRepository, useClass: TypeOrmSeatHoldRepository },
    { provide: BookLogRepository, useClass: TypeOrmBookLogRepository },
    { provide: BookingTokenRepository, useClass: QueueBookingTokenAdapter },
    SeatSales,
    { provide: SeatSaleRepository, useClass: TypeOrmSeatSaleRepository },
  ],
  exports: [ReleaseLapsedHoldsUseCase, SeatSales, BookingLookupsModule],
})
export class BookingModule {}
