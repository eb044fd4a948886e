import { Injectable } from '@nestjs/common';
import { SoldSeat, SoldSeatLookup } from '@app/user';
import { SeatInventory } from '../../../application/seat-inventory.service';

/** Answers the user context's question (its SoldSeatLookup port) from booking's own tables. */
@Injectable()
export class UserSoldSeatLookupAdapter extends SoldSeatLookup {
  constructor(private readonly seats: SeatInventory) {
    super();
  }

  soldTo(userId: string): Promise<SoldSeat[]> {
    return this.seats.seatsSoldTo(userId);
  }
}
