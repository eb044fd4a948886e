/**
 * What the admission tick learns about session lengths, as migrated: nothing yet. The bench
 * starts its rush from it; QUEUE_SETTINGS_AS_MIGRATED_SQL includes it.
 */
export const FORGET_SESSION_LENGTHS = `sessions_ended = 0, session_seconds = 0, active_after = 0,
            active_remaining_seconds = 0`;

/**
 * The queue's settings row as migrated: no override, open, nothing observed or learnt, no
 * opening (the next one's range starts at the pre-queue sequence's end, as on a fresh install:
 * the arrival numbers of tokens the reset leaves behind are in no opening's range).
 */
export const QUEUE_SETTINGS_AS_MIGRATED_SQL = `WITH e AS (
         SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS next
           FROM user_queue_tokens_prequeue_seq
       )
       UPDATE queue_settings
        SET max_active = NULL, admit_per_minute = NULL, paused = false,
            observed_admissions_per_minute = NULL, observed_at = NULL, opens_at = NULL,
            throughput_admitted = 0, throughput_seconds = 0, line_backlogged = false,
            ${FORGET_SESSION_LENGTHS},
            prequeue_shuffled = true, opening_key = NULL, opening_below = 0,
            opening_frontier = 0, opening_seq_from = (SELECT next FROM e),
            opening_seq_to = (SELECT next FROM e)`;
