import { LineSnapshotService } from '@app/queue/application/line-snapshot.service';
import { QUEUE_SETTINGS_AS_MIGRATED_SQL } from './queue-settings-sql';
import { TestApp } from './test-app';

/**
 * A queue test's clean start: an empty line, no active token, the environment's settings, no
 * scheduled opening, no near-head zone, the clock an hour on (no rate window overlaps an
 * earlier test's), and every instance's line snapshot to be read afresh (the rows changed
 * behind the apps' backs).
 */
export async function resetQueue(t: TestApp, others: TestApp[] = []): Promise<void> {
  await t.db.query(
    `UPDATE user_queue_tokens SET status = 'EXPIRED', expired_at = now() WHERE status <> 'EXPIRED'`,
  );
  await t.db.query(QUEUE_SETTINGS_AS_MIGRATED_SQL);
  await t.db.query('DELETE FROM queue_zone_marks');
  t.clock.advanceSeconds(3600);
  for (const app of [t, ...others]) app.app.get(LineSnapshotService).invalidate();
}
