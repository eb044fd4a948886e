import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The waiting line gets its own order key, `line_key`, separate from the row id: the line's
 * order is no longer fixed at insert (a scheduled opening shuffles it), and a poll's position
 * is `line_key - head + 1`. Rows inserted without a key (fixtures, old code) take the next
 * one from the sequence, so arrival order stays the default order.
 *
 * A scheduled opening (`queue_settings.opens_at`): tokens issued before it wait in a pre-queue
 * with no key; the first admission tick at or after it gives them keys in a random order,
 * ahead of everyone who came later (negative keys, below the sequence's). `line_generation`
 * counts these placements, so that instances know their cached pre-queue tokens moved.
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

      -- Tokens waiting for a scheduled opening: no place yet.
      CREATE INDEX user_queue_tokens_prequeue
        ON user_queue_tokens (id) WHERE status = 'IN_QUEUE' AND line_key IS NULL;

      ALTER TABLE queue_settings
        ADD COLUMN opens_at timestamptz,
        ADD COLUMN prequeue_shuffled boolean NOT NULL DEFAULT true,
        ADD COLUMN line_generation integer NOT NULL DEFAULT 0;

      CREATE TABLE queue_zone_marks (
        at timestamptz PRIMARY KEY,
        zone_key bigint NOT NULL
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE queue_zone_marks;
      ALTER TABLE queue_settings
        DROP COLUMN opens_at, DROP COLUMN prequeue_shuffled, DROP COLUMN line_generation;
      DROP INDEX user_queue_tokens_prequeue;
      DROP INDEX user_queue_tokens_line;
      CREATE INDEX user_queue_tokens_waiting ON user_queue_tokens (id) WHERE status = 'IN_QUEUE';
      ALTER TABLE user_queue_tokens DROP COLUMN line_key;
    `);
  }
}
