import { Module } from '@nestjs/common';
import { BookingModule } from '@app/booking';
import { QueueModule } from '@app/queue';
import { CatalogLookupsModule } from './catalog-lookups.module';
import { CreateConcertUseCase } from './application/create-concert.use-case';
import { CreatePerformanceUseCase } from './application/create-performance.use-case';
import { ListBookablePerformancesUseCase } from './application/list-bookable-performances.use-case';
import { ListConcertsUseCase } from './application/list-concerts.use-case';
import { ListSeatsUseCase } from './application/list-seats.use-case';
import { ConcertRepository } from './application/port/out/concert.repository';
import { PerformanceRepository } from './application/port/out/performance.repository';
import { AdminConcertsController } from './adapter/in/http/admin-concerts.controller';
import { CatalogController } from './adapter/in/http/catalog.controller';
import { TypeOrmConcertRepository } from './adapter/out/persistence/typeorm-concert.repository';
import { TypeOrmPerformanceRepository } from './adapter/out/persistence/typeorm-performance.repository';

/** The catalog: concerts, their dates and seat maps, and the admin's way to add them. */
@Module({
  imports: [QueueModule, BookingModule, CatalogLookupsModule],
  controllers: [CatalogController, AdminConcertsController],
  providers: [
    ListConcertsUseCase,
    ListBookablePerformancesUseCase,
    ListSeatsUseCase,
    CreateConcertUseCase,
    CreatePerformanceUseCase,
    { provide: ConcertRepository, useClass: TypeOrmConcertRepository },
    { provide: PerformanceRepository, useClass: TypeOrmPerformanceRepository },
  ],
})
export class CatalogModule {}
