/**
 * What booking's tables tell a checkout beyond its one statement (which embeds booking's sale
 * SQL, seat-sale.sql.ts); every call joins the ambient transaction, if any.
 */
export abstract class SeatSaleRepository {
  /** Whether this token ever won or renewed a hold on this seat (the booking log says so). */
  abstract wasHeldBy(token: string, seatId: number): Promise<boolean>;
}
