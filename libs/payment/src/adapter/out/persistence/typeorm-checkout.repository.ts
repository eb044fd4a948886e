import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryPrepared } from '@app/common/adapter/persistence/query-rows';
import {
  failStatementWhenSql,
  violatedUniqueConstraint,
} from '@app/common/adapter/persistence/statement-failure';
import { Money } from '@app/common/domain/money';
import { seatForSaleLockSql, seatSaleCtes } from '@app/booking';
import { SeatAlreadyBookedError } from '@app/booking/domain';
import { paidTokenExpirySql, payingTokenLockSql, tokenStandingSql } from '@app/queue';
import { activeTokenSql, TokenInvalidError, TokenStatus } from '@app/queue/domain';
import { paymentDebitSql, paymentLedgerSql } from '@app/user';
import {
  CheckoutAttempt,
  CheckoutRepository,
} from '../../../application/port/out/checkout.repository';
import { payableSeatSql } from '../../../domain/seat-payment';
import { PaymentRow, toPayment } from './typeorm-payment.repository';

/**
 * The checkout in one statement, the request's only round trip (exported for the plan test):
 * $1 seat, $2 token, $3 now. Each owner's part is the owner's SQL (booking: the seat's lock and
 * its sale; the queue: the token's standing, lock and expiry; the user context: the debit and
 * its ledger row); payment writes only its own table. In order:
 * - `tok`: the token's standing, the queue's row as last committed (its id, user, status,
 *   expiry); the caller answers 401/403 from it first, as the guard would;
 * - `earlier`: this token's payment (the idempotency key), as the statement began;
 * - `seat`: the seat's book-info and seat rows, locked, when the token is active or has paid,
 *   unless `earlier` is for another seat (a spent or refused token takes no lock: an InitPlan
 *   gates the scan);
 * - `token`: the token's row, locked after the seat's (the booking's order too), and whether
 *   it is still active;
 * - `payable`: the price, when the seat is payable by this token, the token active and no
 *   payment made yet; every write below hangs on it through its FROM, the debit first, so
 *   that a short balance writes nothing at all;
 * - `paid`, `ledger`, the sale (`sold_hold`, `sold_seat`), `expired`: each on the row the
 *   locks above hold, so each happens once the debit did.
 * The final check turns a checkout that wrote only part of itself (which the locks rule out)
 * into an error, so the statement, its own transaction, rolls back whole.
 */
const USER = '(SELECT user_id FROM tok)';
const TOKEN_ID = '(SELECT id FROM tok)';
export const CHECKOUT_SQL = `WITH tok AS MATERIALIZED (
       ${tokenStandingSql('$2')}
     ), earlier AS (
       SELECT id, user_id, performance_seat_id, token, amount::text AS amount, paid_at
         FROM payments WHERE token = $2
     ), seat AS (
       ${seatForSaleLockSql(
         '$1',
         `NOT EXISTS (SELECT 1 FROM earlier WHERE earlier.performance_seat_id <> $1)
          AND (EXISTS (SELECT 1 FROM tok WHERE ${activeTokenSql('tok', '$3')})
               OR EXISTS (SELECT 1 FROM earlier))`,
       )}
     ), token AS (
       ${payingTokenLockSql(TOKEN_ID, '$3', 'EXISTS (SELECT 1 FROM seat)')}
     ), payable AS (
       SELECT seat.price FROM seat, token
        WHERE token.active AND NOT EXISTS (SELECT 1 FROM earlier)
          AND ${payableSeatSql('seat', '$2', '$3')}
     ), debit AS (
       ${paymentDebitSql(USER, 'payable.price', 'payable')}
     ), paid AS (
       INSERT INTO payments (user_id, performance_seat_id, token, amount, paid_at)
       SELECT ${USER}, $1, $2, payable.price, $3 FROM payable, debit
       RETURNING id, amount
     ), ledger AS (
       ${paymentLedgerSql(USER, 'paid.amount', 'paid.id', '$3', 'paid')}
     ), ${seatSaleCtes(
       { hold: 'sold_hold', seat: 'sold_seat' },
       { seatId: '$1', token: '$2', userId: USER, at: '$3', from: 'paid' },
     )}, expired AS (
       ${paidTokenExpirySql(TOKEN_ID, '$3', 'paid')}
     ), outcome AS (
       SELECT paid.id AS payment_id,
              paid.id IS NULL
                OR ((SELECT count(*) FROM ledger) = 1 AND (SELECT count(*) FROM sold_seat) = 1
                    AND (SELECT count(*) FROM expired) = 1) AS whole
         FROM (SELECT 1) AS one LEFT JOIN paid ON true
     )
     SELECT tok.id AS payer_token_id, tok.user_id AS payer_user_id, tok.status AS payer_status,
            tok.expires_at AS payer_expires_at,
            earlier.id AS earlier_id, earlier.user_id AS earlier_user_id,
            earlier.performance_seat_id AS earlier_seat_id, earlier.amount AS earlier_amount,
            earlier.paid_at AS earlier_paid_at,
            seat.id AS seat_id, seat.concert_performance_id, seat.seat_number,
            seat.price::text AS price, seat.booked, seat.performance_datetime,
            seat.token AS hold_token, seat.hold_user_id, seat.expires_at AS hold_expires_at,
            seat.book_success_at,
            coalesce(token.active, false) AS token_active,
            outcome.payment_id,
            ${failStatementWhenSql(
              'NOT outcome.whole',
              "'checkout incomplete, rolled back: payment ' || outcome.payment_id",
            )} AS incomplete
       FROM outcome
       LEFT JOIN tok ON true
       LEFT JOIN earlier ON true
       LEFT JOIN seat ON true
       LEFT JOIN token ON true`;

interface CheckoutRow {
  payer_token_id: string | null;
  payer_user_id: string | null;
  payer_status: TokenStatus | null;
  payer_expires_at: Date | null;
  earlier_id: string | null;
  earlier_user_id: string | null;
  earlier_seat_id: string | null;
  earlier_amount: string | null;
  earlier_paid_at: Date | null;
  seat_id: string | null;
  concert_performance_id: string | null;
  seat_number: number | null;
  price: string | null;
  booked: boolean | null;
  performance_datetime: Date | null;
  hold_token: string | null;
  hold_user_id: string | null;
  hold_expires_at: Date | null;
  book_success_at: Date | null;
  token_active: boolean;
  payment_id: string | null;
}

/** The unique constraints of payments, and what a violation means to the payer. */
const BACKSTOPS: Record<string, () => Error> = {
  payments_one_per_seat: () => new SeatAlreadyBookedError(),
  payments_one_per_token: () => new TokenInvalidError(),
};

@Injectable()
export class TypeOrmCheckoutRepository extends CheckoutRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async attempt(seatId: number, token: string, now: Date): Promise<CheckoutAttempt> {
    let row: CheckoutRow;
    try {
      // Prepared: parsing and planning this statement cost PostgreSQL more than running it.
      [row] = await queryPrepared<CheckoutRow>(this.txHost.tx, 'checkout', CHECKOUT_SQL, [
        seatId,
        token,
        now,
      ]);
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      const backstop = constraint ? BACKSTOPS[constraint] : undefined;
      if (backstop) throw backstop();
      throw error;
    }
    return {
      payer:
        row.payer_token_id === null
          ? null
          : {
              tokenId: Number(row.payer_token_id),
              userId: row.payer_user_id as string,
              status: row.payer_status as TokenStatus,
              expiresAt: row.payer_expires_at,
            },
      earlier:
        row.earlier_id === null
          ? null
          : toPayment({
              id: row.earlier_id,
              user_id: row.earlier_user_id,
              performance_seat_id: row.earlier_seat_id,
              token,
              amount: row.earlier_amount,
              paid_at: row.earlier_paid_at,
            } as PaymentRow),
      seat:
        row.seat_id === null
          ? null
          : {
              id: Number(row.seat_id),
              performanceId: Number(row.concert_performance_id),
              seatNumber: row.seat_number as number,
              price: Money.parse(row.price as string),
              booked: row.booked as boolean,
              performanceDatetime: row.performance_datetime as Date,
              hold: {
                token: row.hold_token,
                userId: row.hold_user_id,
                expiresAt: row.hold_expires_at,
                bookSuccessAt: row.book_success_at,
              },
            },
      tokenActive: row.token_active,
      paymentId: row.payment_id === null ? null : Number(row.payment_id),
    };
  }
}
