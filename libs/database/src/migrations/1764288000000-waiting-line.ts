import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The waiting line gets its own order key, `line_key`, separate from the row id: the line's
 * order is no longer fixed at insert (a scheduled opening shuffles it), and a poll's position
 * is `line_key - head + 1`. Rows inserted without a key (fixtures, old code) take the next
 * one from the sequence, so arrival order stays the default order.
 *
 * `queue_zone_marks` records when the near-head zone grew to cover which keys: a waiter is
 * asked for a sign of life only once it is near the head, and judged abandoned only when it
 * has been near the head for QUEUE_ABANDON_AFTER_SECONDS without showing one.
 */
export class WaitingLine1764288000000 implements MigrationInterface {
  name = 'WaitingLine1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SEQUENCE user_queue_tokens_line_key_seq;
      ALTER TABLE user_queue_tokens ADD COLUMN line_key bigint;
      UPDATE user_queue_tokens SET line_key = id WHERE status = 'IN_QUEUE';
      SELECT setval('user_queue_tokens_line_key_seq',
                    COALESCE((SELECT max(id) FROM user_queue_tokens), 0) + 1, false);
      ALTER TABLE user_queue_tokens
        ALTER COLUMN line_key SET DEFAULT nextval('user_queue_tokens_line_key_seq');
      ALTER SEQUENCE user_queue_tokens_line_key_seq OWNED BY user_queue_tokens.line_key;

      DROP INDEX user_queue_tokens_waiting;
      -- The line: the head is min(line_key) over this index, a position is line_key - head + 1.
      CREATE INDEX user_queue_tokens_line ON user_queue_tokens (line_key) WHERE status = 'IN_QUEUE';

      CREATE TABLE queue_zone_marks (
        at timestamptz PRIMARY KEY,
        zone_key bigint NOT NULL
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE queue_zone_marks;
      DROP INDEX user_queue_tokens_line;
      CREATE INDEX user_queue_tokens_waiting ON user_queue_tokens (id) WHERE status = 'IN_QUEUE';
      ALTER TABLE user_queue_tokens DROP COLUMN line_key;
    `);
  }
}
