import { Money } from '@app/common/domain/money';
import { HoldFacts } from './live-hold.rule';

/** A seat as a checkout sees it once it is locked: its price, its sale flag, its hold. */
export interface SeatForSale {
  id: number;
  performanceId: number;
  seatNumber: number;
  price: Money;
  booked: boolean;
  /** When the seat's performance starts: nothing can be paid for from then on. */
  performanceDatetime: Date;
  /** The seat's one book-info row: its current (or last) hold, or its sale. */
  hold: HoldFacts & { userId: string | null };
}
