/**
 * The holder's queue token, as booking must see it at commit time. The guard checked the token
 * before the transaction; a payment by the same token may expire it meanwhile.
 */
export abstract class BookingTokenRepository {
  /**
   * Whether the token is still IN_PROGRESS and inside its TTL at `now`, read under a share
   * lock on its row that lasts until the transaction ends: a concurrent payment, whose
   * UPDATE expires the token, commits either before this read (false) or after the booking.
   */
  abstract lockIfActive(token: string, now: Date): Promise<boolean>;
}
