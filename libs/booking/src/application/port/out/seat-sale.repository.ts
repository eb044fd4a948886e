import { SeatForSale } from '../../../domain/seat-sale';

/** The sale of a held seat, on the seat tables booking owns; every call joins the transaction. */
export abstract class SeatSaleRepository {
  /**
   * Locks the seat's book-info row, then its seat row (in that order), until the transaction
   * ends; null when the seat does not exist.
   */
  abstract lockForPayment(seatId: number): Promise<SeatForSale | null>;
  /** Whether this token ever won or renewed a hold on this seat (the booking log says so). */
  abstract wasHeldBy(token: string, seatId: number): Promise<boolean>;
  /**
   * The seat becomes the user's and its hold a sale, if it is still unsold and held by this
   * token; false otherwise.
   */
  abstract markSold(seatId: number, userId: string, token: string, at: Date): Promise<boolean>;
}
