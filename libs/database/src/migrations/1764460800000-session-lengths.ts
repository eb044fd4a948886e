import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The wait estimate's session lengths: how long admitted tokens' sessions lasted lately
 * (libs/queue/src/domain/line-throughput.ts), kept between ticks in the settings row with the
 * active tokens' count and summed remaining seconds after the last tick (from which the next
 * tick tells the sessions that ended and their lengths). The line snapshot reads the two sums
 * and takes their mean.
 */
export class SessionLengths1764460800000 implements MigrationInterface {
  name = 'SessionLengths1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE queue_settings
        ADD COLUMN sessions_ended double precision NOT NULL DEFAULT 0,
        ADD COLUMN session_seconds double precision NOT NULL DEFAULT 0,
        ADD COLUMN active_after integer NOT NULL DEFAULT 0,
        ADD COLUMN active_remaining_seconds double precision NOT NULL DEFAULT 0;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE queue_settings
        DROP COLUMN sessions_ended,
        DROP COLUMN session_seconds,
        DROP COLUMN active_after,
        DROP COLUMN active_remaining_seconds;
    `);
  }
}
