import { activeTokenSql } from '../../../domain/active-token.rule';

/**
 * The queue's statements on a token's session (user_queue_tokens), as SQL other contexts embed
 * in a statement of their own (booking's hold, payment's checkout) so that their hot paths stay
 * one round trip: the queue writes them, the others only compose them (the queue's own
 * lockIfActive runs the share lock's text). Every argument is SQL: a parameter such as `$2`,
 * or a condition or a name of the composing statement.
 */

/**
 * A token's standing as last committed, read without a lock: one row (`id`, `user_id`,
 * `status`, `expires_at`) for a known token, none for an unknown one. For a statement that
 * checks the token itself (booking's hold: `activeTokenSql` on this row, then
 * `activeTokenShareLockSql` before it commits; payment's checkout: `payingTokenLockSql` on its
 * id), so that its request needs no read of its own first.
 */
export function tokenStandingSql(token: string): string {
  return `SELECT id, user_id, status, expires_at FROM user_queue_tokens WHERE token = ${token}`;
}

/**
 * The token is active at `now`: one row (`active`, always true) when it is, none otherwise,
 * read under a share lock on its row that lasts until the transaction ends. FOR SHARE
 * conflicts with the row lock of a payment's expiry (status, expired_at): if that payment has
 * not committed yet this waits for it, then re-checks the row it committed. (FOR KEY SHARE
 * would not wait: the expiry changes no key column.) `when` gates the read: while it is
 * false no row is read or locked (a composing statement takes its own locks first).
 */
export function activeTokenShareLockSql(token: string, now: string, when = 'true'): string {
  return `SELECT true AS active FROM user_queue_tokens
           WHERE token = ${token} AND ${activeTokenSql('', now)} AND (${when})
             FOR SHARE`;
}

/**
 * The paying token's row, locked as its expiry will lock it (FOR NO KEY UPDATE) until the
 * transaction ends: one row, `active` saying whether the token is still active at `now` on
 * the row as last committed (a concurrent payment's expiry is waited for). No row for an
 * unknown token or while `when` is false. Locked before the debit, the check stays true until
 * `paidTokenExpirySql` expires it.
 */
export function payingTokenLockSql(tokenId: string, now: string, when = 'true'): string {
  return `SELECT ${activeTokenSql('', now)} AS active FROM user_queue_tokens
           WHERE id = ${tokenId} AND (${when})
             FOR NO KEY UPDATE`;
}

/**
 * The end of a paid token's session: IN_PROGRESS → EXPIRED at `at`, freeing its slot, if it
 * is still active then; one row (`id`) when it expired it. `from` is a FROM list of the
 * composing statement the update is gated on (it happens once per row of it: give it at most
 * one row), e.g. its payment.
 */
export function paidTokenExpirySql(tokenId: string, at: string, from?: string): string {
  return `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = ${at}
           ${from ? `FROM ${from}` : ''}
           WHERE user_queue_tokens.id = ${tokenId} AND ${activeTokenSql('user_queue_tokens', at)}
           RETURNING user_queue_tokens.id`;
}
