/** What booking's tables tell a checkout beyond its one statement. */
export abstract class PayableSeatRepository {
  /** Whether this token ever won or renewed a hold on this seat (the booking log says so). */
  abstract wasHeldBy(token: string, seatId: number): Promise<boolean>;
}
