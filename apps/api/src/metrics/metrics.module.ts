import { Module } from '@nestjs/common';
import { TicketingSnapshotModule } from '@app/database/ticketing-snapshot/ticketing-snapshot.module';
import { HttpMetricsHook } from './http-metrics.hook';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { TicketingGauges } from './ticketing-gauges';

/** GET /metrics: HTTP counts and latencies, queue, holds and payments gauges. */
@Module({
  imports: [TicketingSnapshotModule],
  controllers: [MetricsController],
  providers: [MetricsRegistry, TicketingGauges, HttpMetricsHook],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
