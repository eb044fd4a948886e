/**
 * Every PostgreSQL advisory lock the service takes, in one place so that no two can collide.
 * Two kinds, which never collide with each other: one bigint key (`pg_advisory_lock(key)`)
 * and the two-int form (`pg_advisory_xact_lock(class, object)`), whose class says whose lock
 * it is. Add a lock here, never as a literal next to its SQL.
 */
export const ADVISORY_LOCKS = {
  /** Migrations, session-level, so that instances starting together migrate once. */
  migrations: 7_310_001,
  /** The demo seed, transaction-level, so that instances starting together seed once. */
  demoSeed: 7_310_002,
  /** Queue: one tick of admission at a time across instances ("QUEU" in ASCII). */
  queueAdmission: { classId: 0x51554555, objectId: 1 },
  /** Queue: token issuing for one user; object id hashtext(user id) ("QUSR" in ASCII). */
  queueUserTokenClass: 0x51555352,
} as const;
