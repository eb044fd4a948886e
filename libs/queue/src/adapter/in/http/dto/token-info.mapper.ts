import { TokenInfo } from '../../../../application/get-token-info.use-case';
import { TokenInfoDto } from './token-info.dto';

/** The body of token_info, and the `data:` of each live-position event. */
export function toTokenInfoDto(info: TokenInfo): TokenInfoDto {
  const hold = info.seatHold;
  return {
    user_id: info.userId,
    status: info.status,
    position: info.position,
    estimated_wait_seconds: info.estimatedWaitSeconds,
    expires_at: iso(info.expiresAt),
    performance_seat_book_info: hold && {
      id: hold.id,
      performance_seat_id: hold.performanceSeatId,
      book_attempt_at: iso(hold.bookAttemptAt),
      book_success_at: iso(hold.bookSuccessAt),
      expires_at: iso(hold.expiresAt),
    },
    opens_at: iso(info.opensAt),
  };
}

function iso(at: Date | null): string | null {
  return at ? at.toISOString() : null;
}
