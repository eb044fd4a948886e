import { Global, Module } from '@nestjs/common';
import { TokenHoldLookup } from '@app/queue';
import { SoldSeatLookup } from '@app/user';
import { SeatInventoryRepository } from './application/port/out/seat-inventory.repository';
import { SeatInventory } from './application/seat-inventory.service';
import { UserSoldSeatLookupAdapter } from './adapter/in/user/user-sold-seat-lookup.adapter';
import { TypeOrmSeatInventoryRepository } from './adapter/out/persistence/typeorm-seat-inventory.repository';
import { TokenHoldRepository } from './application/port/out/token-hold.repository';
import { TokenHolds } from './application/token-holds.service';
import { QueueTokenHoldLookupAdapter } from './adapter/in/queue/queue-token-hold-lookup.adapter';
import { TypeOrmTokenHoldRepository } from './adapter/out/persistence/typeorm-token-hold.repository';

/**
 * Booking's answers to the lookup ports of the queue (TokenHoldLookup) and the user context
 * (SoldSeatLookup), provided globally: they ask without importing booking, which itself
 * depends on them. Also the home of SeatInventory, which BookingModule re-exports.
 */
@Global()
@Module({
  providers: [
    TokenHolds,
    { provide: TokenHoldRepository, useClass: TypeOrmTokenHoldRepository },
    { provide: TokenHoldLookup, useClass: QueueTokenHoldLookupAdapter },
    SeatInventory,
    { provide: SeatInventoryRepository, useClass: TypeOrmSeatInventoryRepository },
    { provide: SoldSeatLookup, useClass: UserSoldSeatLookupAdapter },
  ],
  exports: [TokenHoldLookup, SoldSeatLookup, SeatInventory],
})
export class BookingLookupsModule {}
