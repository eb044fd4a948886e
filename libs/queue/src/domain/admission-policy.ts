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

/** When a token admitted at `activatedAt` stops being valid. */
export function activeUntil(activatedAt: Date, ttlSeconds: number): Date {
  return new Date(activatedAt.getTime() + ttlSeconds * 1000);
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
