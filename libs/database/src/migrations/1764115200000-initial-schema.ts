import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every table of the seed's ERD under its own name, plus what a real system needs: seat and
 * performance prices, payments, a balance ledger, token timestamps, queue settings, and the
 * constraints that carry the contract's invariants.
 */
export class InitialSchema1764115200000 implements MigrationInterface {
  name = 'InitialSchema1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TYPE token_statuses AS ENUM ('IN_QUEUE', 'IN_PROGRESS', 'EXPIRED');

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        balance numeric(14, 2) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_balance_non_negative CHECK (balance >= 0)
      );

      CREATE TABLE user_queue_tokens (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        token varchar(32) NOT NULL,
        status token_statuses NOT NULL DEFAULT 'IN_QUEUE',
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        activated_at timestamptz,
        expires_at timestamptz,
        expired_at timestamptz,
        CONSTRAINT user_queue_tokens_token_unique UNIQUE (token),
        CONSTRAINT user_queue_tokens_token_md5_hex CHECK (token ~ '^[0-9a-f]{32}$'),
        CONSTRAINT user_queue_tokens_active_has_expiry
          CHECK (status <> 'IN_PROGRESS' OR (activated_at IS NOT NULL AND expires_at IS NOT NULL))
      );
      -- Invariant 2: at most one live token per user, whatever the concurrency.
      CREATE UNIQUE INDEX user_queue_tokens_one_live_per_user
        ON user_queue_tokens (user_id) WHERE status IN ('IN_QUEUE', 'IN_PROGRESS');
      -- The line itself: the head is min(id) over this index, a position is id - head + 1.
      CREATE INDEX user_queue_tokens_waiting ON user_queue_tokens (id) WHERE status = 'IN_QUEUE';
      CREATE INDEX user_queue_tokens_active ON user_queue_tokens (expires_at) WHERE status = 'IN_PROGRESS';
      CREATE INDEX user_queue_tokens_activated_at
        ON user_queue_tokens (activated_at) WHERE activated_at IS NOT NULL;

      -- One row: admin overrides (NULL = use the environment's value) and the observed rate.
      CREATE TABLE queue_settings (
        id smallint PRIMARY KEY DEFAULT 1,
        max_active integer,
        admit_per_minute integer,
        paused boolean NOT NULL DEFAULT false,
        observed_admissions_per_minute integer,
        observed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT queue_settings_single_row CHECK (id = 1),
        CONSTRAINT queue_settings_max_active_non_negative CHECK (max_active IS NULL OR max_active >= 0),
        CONSTRAINT queue_settings_admit_per_minute_non_negative
          CHECK (admit_per_minute IS NULL OR admit_per_minute >= 0)
      );
      INSERT INTO queue_settings (id) VALUES (1);

      CREATE TABLE concerts (
        id bigserial PRIMARY KEY,
        name varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT concerts_name_not_blank CHECK (length(btrim(name)) > 0)
      );

      CREATE TABLE concert_performances (
        id bigserial PRIMARY KEY,
        concert_id bigint NOT NULL REFERENCES concerts (id),
        performance_datetime timestamptz NOT NULL DEFAULT now(),
        max_seats integer NOT NULL DEFAULT 0,
        price numeric(12, 2) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT concert_performances_max_seats_non_negative CHECK (max_seats >= 0),
        CONSTRAINT concert_performances_price_non_negative CHECK (price >= 0)
      );
      CREATE INDEX concert_performances_by_concert
        ON concert_performances (concert_id, performance_datetime);

      CREATE TABLE performance_seats (
        id bigserial PRIMARY KEY,
        concert_performance_id bigint NOT NULL REFERENCES concert_performances (id),
        seat_number integer NOT NULL DEFAULT 0,
        price numeric(12, 2) NOT NULL DEFAULT 0,
        user_id uuid REFERENCES users (id),
        booked boolean NOT NULL DEFAULT false,
        CONSTRAINT performance_seats_number_unique UNIQUE (concert_performance_id, seat_number),
        CONSTRAINT performance_seats_number_positive CHECK (seat_number > 0),
        CONSTRAINT performance_seats_price_non_negative CHECK (price >= 0),
        CONSTRAINT performance_seats_booked_has_owner CHECK (booked = (user_id IS NOT NULL))
      );
      CREATE INDEX performance_seats_by_owner ON performance_seats (user_id) WHERE user_id IS NOT NULL;

      -- One row per seat (the ERD's one-to-one): the current hold or sale of that seat. A hold
      -- is live while expires_at is in the future and book_success_at is null.
      CREATE TABLE performance_seat_book_info (
        id bigserial PRIMARY KEY,
        performance_seat_id bigint NOT NULL REFERENCES performance_seats (id),
        token varchar(32),
        user_id uuid REFERENCES users (id),
        book_attempt_at timestamptz,
        expires_at timestamptz,
        book_success_at timestamptz,
        CONSTRAINT performance_seat_book_info_one_per_seat UNIQUE (performance_seat_id),
        CONSTRAINT performance_seat_book_info_hold_complete CHECK (
          (token IS NULL AND user_id IS NULL AND book_attempt_at IS NULL AND expires_at IS NULL)
          OR (token IS NOT NULL AND user_id IS NOT NULL AND book_attempt_at IS NOT NULL
              AND expires_at IS NOT NULL)
        ),
        CONSTRAINT performance_seat_book_info_success_has_holder
          CHECK (book_success_at IS NULL OR token IS NOT NULL)
      );
      CREATE INDEX performance_seat_book_info_by_token
        ON performance_seat_book_info (token) WHERE token IS NOT NULL;
      CREATE INDEX performance_seat_book_info_open_by_user
        ON performance_seat_book_info (user_id, expires_at)
        WHERE token IS NOT NULL AND book_success_at IS NULL;
      CREATE INDEX performance_seat_book_info_open_by_expiry
        ON performance_seat_book_info (expires_at)
        WHERE token IS NOT NULL AND book_success_at IS NULL;

      -- Every booking attempt, won or lost.
      CREATE TABLE performance_seat_book_logs (
        id bigserial PRIMARY KEY,
        performance_seat_id bigint NOT NULL REFERENCES performance_seats (id),
        token varchar(32) NOT NULL,
        user_id uuid REFERENCES users (id),
        result varchar(40) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX performance_seat_book_logs_by_token
        ON performance_seat_book_logs (token, performance_seat_id);

      -- Invariant 1: one payment per seat; the token is the idempotency key of a payment.
      CREATE TABLE payments (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        performance_seat_id bigint NOT NULL REFERENCES performance_seats (id),
        token varchar(32) NOT NULL,
        amount numeric(12, 2) NOT NULL,
        paid_at timestamptz NOT NULL,
        CONSTRAINT payments_one_per_seat UNIQUE (performance_seat_id),
        CONSTRAINT payments_one_per_token UNIQUE (token),
        CONSTRAINT payments_amount_non_negative CHECK (amount >= 0)
      );
      CREATE INDEX payments_by_user ON payments (user_id);

      -- Invariant 3: a user's balance equals the sum of this ledger.
      CREATE TABLE balance_ledger (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        kind varchar(16) NOT NULL,
        amount numeric(14, 2) NOT NULL,
        payment_id bigint REFERENCES payments (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT balance_ledger_kind CHECK (kind IN ('CHARGE', 'PAYMENT')),
        CONSTRAINT balance_ledger_sign CHECK (
          (kind = 'CHARGE' AND amount > 0 AND payment_id IS NULL)
          OR (kind = 'PAYMENT' AND amount <= 0 AND payment_id IS NOT NULL)
        )
      );
      CREATE INDEX balance_ledger_by_user ON balance_ledger (user_id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE balance_ledger;
      DROP TABLE payments;
      DROP TABLE performance_seat_book_logs;
      DROP TABLE performance_seat_book_info;
      DROP TABLE performance_seats;
      DROP TABLE concert_performances;
      DROP TABLE concerts;
      DROP TABLE queue_settings;
      DROP TABLE user_queue_tokens;
      DROP TABLE users;
      DROP TYPE token_statuses;
    `);
  }
}
