import { Global, Module } from '@nestjs/common';
import { PerformanceLookup } from '@app/user';
import { PerformanceFacts } from './application/performance-facts.service';
import { PerformanceFactsRepository } from './application/port/out/performance-facts.repository';
import { UserPerformanceLookupAdapter } from './adapter/in/user/user-performance-lookup.adapter';
import { TypeOrmPerformanceFactsRepository } from './adapter/out/persistence/typeorm-performance-facts.repository';

/**
 * The catalog's answer to the user context's lookup port (PerformanceLookup), provided
 * globally: the user context asks without importing the catalog, which depends on it.
 */
@Global()
@Module({
  providers: [
    PerformanceFacts,
    { provide: PerformanceFactsRepository, useClass: TypeOrmPerformanceFactsRepository },
    { provide: PerformanceLookup, useClass: UserPerformanceLookupAdapter },
  ],
  exports: [PerformanceLookup],
})
export class CatalogLookupsModule {}
