/**
 * The rules of the waiting room, as plain functions of their inputs (time included), so that
 * they are unit-tested without a database or a framework.
 */

/** The admin's overrides as stored: null means "use the environment's value". */
export interface QueueSettingsOverrides {
  maxActive: number | null;
  admitPerMinute: number | null;
  paused: boolean;
}

export interface QueueSettings {
  maxActive: number;
  admitPerMinute: number;
  paused: boolean;
}

export interface QueueDefaults {
  maxActive: number;
  admitPerMinute: number;
}

/** What the admission job and GET /admin/queue obey: the stored override, else the env. */
export function effectiveSettings(
  overrides: QueueSettingsOverrides,
  defaults: QueueDefaults,
): QueueSettings {
  return {
    maxActive: overrides.maxActive ?? defaults.maxActive,
    admitPerMinute: overrides.admitPerMinute ?? defaults.admitPerMinute,
    paused: overrides.paused,
  };
}

/** The sliding window the per-minute cap and the observed rate are measured over. */
export const ADMISSION_WINDOW_SECONDS = 60;

/**
 * How many queued tokens one tick may admit: none while paused, else what both caps leave.
 * `active` counts live IN_PROGRESS tokens; `admittedInWindow` those admitted in the last
 * ADMISSION_WINDOW_SECONDS (expired or not: the rate cap is about admissions, not occupancy).
 */
export function admissionSlots(
  settings: QueueSettings,
  active: number,
  admittedInWindow: number,
): number {
  if (settings.paused) return 0;
  return Math.max(
    0,
    Math.min(settings.maxActive - active, settings.admitPerMinute - admittedInWindow),
  );
}

/**
 * 1-based place in line. Every token enters the line IN_QUEUE and leaves it only from the
 * head (admitted, or expired as abandoned), so the ids between the head and this token are all
 * still waiting: the place is a subtraction, not a count over the line. Sequence gaps (a
 * rolled-back insert) can only make it a slight overestimate.
 */
export function positionInLine(tokenId: number, headId: number | null): number {
  if (headId === null || headId > tokenId) return 1;
  return tokenId - headId + 1;
}

/** Seconds until admission at the rate actually observed; null when no rate is known. */
export function estimatedWaitSeconds(
  position: number,
  observedAdmissionsPerMinute: number | null,
): number | null {
  if (!observedAdmissionsPerMinute || observedAdmissionsPerMinute <= 0) return null;
  return Math.ceil((position * 60) / observedAdmissionsPerMinute);
}

/** When a token admitted at `activatedAt` stops being valid. */
export function activeUntil(activatedAt: Date, ttlSeconds: number): Date {
  return new Date(activatedAt.getTime() + ttlSeconds * 1000);
}

/** A waiter that has not polled for `abandonAfterSeconds` is gone: it must not take a slot. */
export function isAbandoned(lastSeenAt: Date, now: Date, abandonAfterSeconds: number): boolean {
  return now.getTime() - lastSeenAt.getTime() >= abandonAfterSeconds * 1000;
}

/**
 * Polls refresh last_seen_at at most this often per token: abandonment is measured in
 * minutes, so a write on every poll would buy nothing but load.
 */
export const LAST_SEEN_REFRESH_SECONDS = 5;

export function needsLastSeenRefresh(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= LAST_SEEN_REFRESH_SECONDS * 1000;
}

/** Bound on max_active and admit_per_minute (the environment variables' bound too). */
export const MAX_QUEUE_SETTING = 1_000_000;

export function isValidSettingCount(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_QUEUE_SETTING
  );
}

export function settingCountMessage(name: string): string {
  return `${name} must be a non-negative integer (at most ${MAX_QUEUE_SETTING})`;
}
