/**
 * The user context's statements of a purchase paid from the balance (users, balance_ledger), as
 * SQL the checkout embeds in its one statement: the user context writes them, payment only
 * composes them (see the README's ownership table). Every argument is SQL: a parameter such
 * as `$3`, or a name or column of the composing statement.
 */

/**
 * The debit: `amount` off the balance in one conditional UPDATE on the user's row lock, so
 * concurrent charges and payments queue behind each other and none is lost; a balance short
 * of it matches no row and changes nothing. One row (`balance`, the new balance as text) when
 * it debited. `from` is a FROM list of the composing statement the debit is gated on (it
 * happens once per row of it: give it at most one row), `amount` may name its columns.
 */
export function paymentDebitSql(userId: string, amount: string, from: string): string {
  return `UPDATE users SET balance = users.balance - ${amount}
            FROM ${from}
           WHERE users.id = ${userId} AND users.balance >= ${amount}
           RETURNING users.balance::text AS balance`;
}

/**
 * The ledger row of a payment, so that the balance stays the sum of its ledger: a PAYMENT of
 * -amount pointing at the payment, one per row of `from` (the composing statement's payment).
 */
export function paymentLedgerSql(
  userId: string,
  amount: string,
  paymentId: string,
  at: string,
  from: string,
): string {
  return `INSERT INTO balance_ledger (user_id, kind, amount, payment_id, created_at)
          SELECT ${userId}, 'PAYMENT', -(${amount}), ${paymentId}, ${at} FROM ${from}
          RETURNING id`;
}
