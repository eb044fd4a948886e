import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hold indexes that a generic plan cannot mistake for free. Three indexes of
 * performance_seat_book_info were partial on the open hold's rule (`token IS NOT NULL AND
 * book_success_at IS NULL`, or its first half). While they were still empty when the table
 * was last analysed (the start of a sale), each looked free to the planner, and any statement
 * whose WHERE implied the rule could take one for a walk over every hold: the booking's
 * prepared statement, looking for the user's holds, walked them all by expiry; the checkout's
 * sale of the hold did too, and the release job walked them by token. Now:
 * - the user's open row: unique `(user_id) WHERE user_id IS NOT NULL AND book_success_at IS
 *   NULL`, used only where a user is named. Unique: a user has at most one unpaid hold, live
 *   or lapsed (not yet released), so the database settles one hold per user inside the
 *   booking's one statement, which releases the user's lapsed hold elsewhere as it takes the
 *   new one. Lapsed holds are released here first: until now a user could have one lapsed
 *   and one live;
 * - the expiry and the token: whole-table (NULL where nothing is held), used only where an
 *   expiry is compared (the release job, the live-hold gauge) or a token named.
 */
export class HoldIndexes1764547200000 implements MigrationInterface {
  name = 'HoldIndexes1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE performance_seat_book_info
         SET token = NULL, user_id = NULL, book_attempt_at = NULL, expires_at = NULL
       WHERE token IS NOT NULL AND book_success_at IS NULL AND expires_at <= now();
      CREATE UNIQUE INDEX performance_seat_book_info_one_open_per_user
        ON performance_seat_book_info (user_id)
        WHERE user_id IS NOT NULL AND book_success_at IS NULL;
      DROP INDEX performance_seat_book_info_open_by_user;
      CREATE INDEX performance_seat_book_info_by_expiry
        ON performance_seat_book_info (expires_at);
      DROP INDEX performance_seat_book_info_open_by_expiry;
      DROP INDEX performance_seat_book_info_by_token;
      CREATE INDEX performance_seat_book_info_by_token ON performance_seat_book_info (token);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX performance_seat_book_info_open_by_user
        ON performance_seat_book_info (user_id, expires_at)
        WHERE token IS NOT NULL AND book_success_at IS NULL;
      DROP INDEX performance_seat_book_info_one_open_per_user;
      CREATE INDEX performance_seat_book_info_open_by_expiry
        ON performance_seat_book_info (expires_at)
        WHERE token IS NOT NULL AND book_success_at IS NULL;
      DROP INDEX performance_seat_book_info_by_expiry;
      DROP INDEX performance_seat_book_info_by_token;
      CREATE INDEX performance_seat_book_info_by_token
        ON performance_seat_book_info (token) WHERE token IS NOT NULL;
    `);
  }
}
