import { Global, Module } from '@nestjs/common';
import { TokenHoldLookup } from '@app/queue';
import { TokenHoldRepository } from './application/port/out/token-hold.repository';
import { TokenHolds } from './application/token-holds.service';
import { QueueTokenHoldLookupAdapter } from './adapter/in/queue/queue-token-hold-lookup.adapter';
import { TypeOrmTokenHoldRepository } from './adapter/out/persistence/typeorm-token-hold.repository';

/**
 * Booking's answers to the queue's lookup port (TokenHoldLookup), provided globally: the
 * queue asks without importing booking, which itself depends on the queue.
 */
@Global()
@Module({
  providers: [
    TokenHolds,
    { provide: TokenHoldRepository, useClass: TypeOrmTokenHoldRepository },
    { provide: TokenHoldLookup, useClass: QueueTokenHoldLookupAdapter },
  ],
  exports: [TokenHoldLookup],
})
export class BookingLookupsModule {}
