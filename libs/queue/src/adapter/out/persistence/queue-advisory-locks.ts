/**
 * Keys of the queue's PostgreSQL advisory locks, in the two-int form (class, object) so that
 * they cannot collide with another context's single-bigint keys. The class values spell
 * "QUEU"/"QUSR" in ASCII; only their distinctness matters.
 */
export const ADMISSION_LOCK = { classId: 0x51554555, objectId: 1 } as const;
/** Object id: hashtext(user id). */
export const USER_TOKEN_LOCK_CLASS = 0x51555352;
