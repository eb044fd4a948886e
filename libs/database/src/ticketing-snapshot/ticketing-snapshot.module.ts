import { Module } from '@nestjs/common';
import { TicketingSnapshotReader } from './ticketing-snapshot.reader';
import { TypeOrmTicketingSnapshotReader } from './typeorm-ticketing-snapshot.reader';

/** The business gauges' read, for the metrics of apps/api. */
@Module({
  providers: [{ provide: TicketingSnapshotReader, useClass: TypeOrmTicketingSnapshotReader }],
  exports: [TicketingSnapshotReader],
})
export class TicketingSnapshotModule {}
