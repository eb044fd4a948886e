import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The opening no longer rewrites the whole pre-queue. A pre-queued token gets a dense arrival
 * number, `prequeue_seq`, when it joins the pre-queue; the opening stores a secret key and the
 * pre-queue's arrival range [opening_seq_from, opening_seq_to) in the settings row, and a
 * token's place is a keyed pseudorandom permutation of its arrival number
 * (libs/queue/src/domain/prequeue-permutation.ts), its key `opening_below - size + place`.
 * The admission ticks write those keys in place order ahead of the head, a chunk at a time:
 * `opening_frontier` places are written. The pre-queue is indexed by arrival number.
 */
export class PrequeuePermutation1764633600000 implements MigrationInterface {
  name = 'PrequeuePermutation1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SEQUENCE user_queue_tokens_prequeue_seq;
      ALTER TABLE user_queue_tokens ADD COLUMN prequeue_seq bigint;
      ALTER SEQUENCE user_queue_tokens_prequeue_seq OWNED BY user_queue_tokens.prequeue_seq;
      UPDATE user_queue_tokens t SET prequeue_seq = nextval('user_queue_tokens_prequeue_seq')
        FROM (SELECT id FROM user_queue_tokens
               WHERE status = 'IN_QUEUE' AND line_key IS NULL ORDER BY id) AS pre
       WHERE t.id = pre.id;

      DROP INDEX user_queue_tokens_prequeue;
      -- The pre-queue, by arrival number: the opening's chunks are written by it.
      CREATE INDEX user_queue_tokens_prequeue
        ON user_queue_tokens (prequeue_seq) WHERE status = 'IN_QUEUE' AND line_key IS NULL;

      ALTER TABLE queue_settings
        ADD COLUMN opening_key bytea,
        ADD COLUMN opening_seq_from bigint NOT NULL DEFAULT 1,
        ADD COLUMN opening_seq_to bigint NOT NULL DEFAULT 1,
        ADD COLUMN opening_below bigint NOT NULL DEFAULT 0,
        ADD COLUMN opening_frontier bigint NOT NULL DEFAULT 0;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE queue_settings
        DROP COLUMN opening_key, DROP COLUMN opening_seq_from, DROP COLUMN opening_seq_to,
        DROP COLUMN opening_below, DROP COLUMN opening_frontier;
      DROP INDEX user_queue_tokens_prequeue;
      CREATE INDEX user_queue_tokens_prequeue
        ON user_queue_tokens (id) WHERE status = 'IN_QUEUE' AND line_key IS NULL;
      ALTER TABLE user_queue_tokens DROP COLUMN prequeue_seq;
    `);
  }
}
