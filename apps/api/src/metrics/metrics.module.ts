import { Module } from '@nestjs/common';
import { HttpMetricsHook } from './http-metrics.hook';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { TicketingGauges } from './ticketing-gauges';
import { TicketingSnapshotReader } from './ticketing-snapshot.reader';

/** GET /metrics: HTTP counts and latencies, queue, holds and payments gauges. */
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, TicketingSnapshotReader, TicketingGauges, HttpMetricsHook],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
