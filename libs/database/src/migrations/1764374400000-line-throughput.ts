import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The wait estimate's rate: what the admission job observed of the line's throughput while
 * somebody was waiting (libs/queue/src/domain/line-throughput.ts), kept between ticks in the
 * settings row so that whichever instance ticks next goes on from it. `observed_at` (already
 * there) is the last tick's time; the published rate becomes fractional (a slow line admits
 * less than one a minute).
 */
export class LineThroughput1764374400000 implements MigrationInterface {
  name = 'LineThroughput1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE queue_settings
        ALTER COLUMN observed_admissions_per_minute TYPE double precision,
        ADD COLUMN throughput_admitted double precision NOT NULL DEFAULT 0,
        ADD COLUMN throughput_seconds double precision NOT NULL DEFAULT 0,
        ADD COLUMN line_backlogged boolean NOT NULL DEFAULT false;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE queue_settings
        DROP COLUMN throughput_admitted,
        DROP COLUMN throughput_seconds,
        DROP COLUMN line_backlogged,
        ALTER COLUMN observed_admissions_per_minute TYPE integer
          USING round(observed_admissions_per_minute)::integer;
    `);
  }
}
