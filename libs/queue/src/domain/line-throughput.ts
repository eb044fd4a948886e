/**
 * How fast the line moves when it is the line, not the arrivals, that limits admission.
 *
 * The wait estimate uses the lengths of the active sessions (the second half of this file):
 * a slot frees when its session ends, so the snapshot forecasts each slot from its session's
 * age and how long sessions lasted lately (waiting-line.ts, forecastSlots). The admission
 * rate (the first half) sizes the near-head zone.
 *
 * Counting "admissions in the last 60 s" and reading the count as a per-minute rate is wrong
 * twice in a sale-open rush: while admission has run for less than a minute the count covers
 * only those seconds (the rate comes out several times too low), and the first tick fills
 * every free slot at once (a burst that says nothing about how fast slots free up later).
 * So the admission job observes only the intervals between two ticks during which somebody
 * was left waiting, and divides the admissions of those intervals by their length: the rate
 * over the span actually observed. Older intervals weigh less (an exponential decay with a
 * time constant of THROUGHPUT_HORIZON_SECONDS), so that the rate follows a line that slows
 * down or speeds up, and equals the plain average over the last minute in a steady state.
 */

/** The time constant of the decay: observations older than this weigh 1/e as much. */
export const THROUGHPUT_HORIZON_SECONDS = 60;

/** What the admission job keeps between ticks (in the settings row, shared by instances). */
export interface LineThroughput {
  /** Admissions made while somebody was left waiting, decayed with their age. */
  admitted: number;
  /** Seconds during which somebody was left waiting, decayed the same way. */
  seconds: number;
  /** When the last tick recorded it; null before the first one. */
  at: Date | null;
  /** Whether the last tick left tokens waiting, admission running (paused or closed: no). */
  backlogged: boolean;
  /**
   * Active sessions (admitted tokens) that ended (paid, expired), each weighing less the more
   * sessions ended after it.
   */
  sessionsEnded: number;
  /** Their total length in seconds (admission to end), weighed the same way. */
  sessionSeconds: number;
  /** Active tokens right after the last tick's admissions. */
  activeAfter: number;
  /** The seconds those tokens had left until their expiries then, summed. */
  activeRemainingSeconds: number;
}

export const NO_THROUGHPUT: LineThroughput = {
  admitted: 0,
  seconds: 0,
  at: null,
  backlogged: false,
  sessionsEnded: 0,
  sessionSeconds: 0,
  activeAfter: 0,
  activeRemainingSeconds: 0,
};

export interface AdmissionTick {
  now: Date;
  /** Tokens this tick admitted. */
  admitted: number;
  /** Whether admission runs at all (not paused, not before a scheduled opening). */
  running: boolean;
  /** Whether tokens are still waiting after this tick's admissions. */
  waitingAfter: boolean;
  /** Active tokens before this tick's admissions (after the ones that ended). */
  active: number;
  /** The seconds they have left until their expiries, summed. */
  activeRemainingSeconds: number;
  /** An active token's time to live: every active token expires this long after admission. */
  ttlSeconds: number;
}

/**
 * The state after one admission tick. The interval since the previous tick is observed when
 * that tick left somebody waiting and admission ran through it: what this tick admitted is
 * then what the line let through in that time (slots freed by payments and expiries, or the
 * rate cap). An interval that started with nobody waiting (the first tick of a rush admits
 * a whole cap's worth at once) or that admission did not run (paused, closed) is not.
 */
export function observeAdmissionTick(
  previous: LineThroughput,
  tick: AdmissionTick,
): LineThroughput {
  const elapsed =
    previous.at === null ? 0 : Math.max(0, (tick.now.getTime() - previous.at.getTime()) / 1000);
  const decay = Math.exp(-elapsed / THROUGHPUT_HORIZON_SECONDS);
  const observed = previous.backlogged && tick.running && elapsed > 0;
  const ended = endedSessions(previous, tick, elapsed);
  // The sessions are weighed by how many ended since, not by time: about one turnover of all
  // the slots ago weighs 1/e. In a rush whose first sessions were slow (everybody booking at
  // once), the mean follows the faster ones after one turnover, not after minutes; when
  // nothing ends (no rush), the last mean is kept as the prior for the next one.
  const forget = Math.exp(-ended.count / Math.max(1, previous.activeAfter));
  return {
    admitted: previous.admitted * decay + (observed ? tick.admitted : 0),
    seconds: previous.seconds * decay + (observed ? elapsed : 0),
    at: tick.now,
    backlogged: tick.running && tick.waitingAfter,
    sessionsEnded: previous.sessionsEnded * forget + ended.count,
    sessionSeconds: previous.sessionSeconds * forget + ended.seconds,
    activeAfter: tick.active + tick.admitted,
    activeRemainingSeconds: tick.activeRemainingSeconds + tick.admitted * tick.ttlSeconds,
  };
}

/**
 * The sessions that ended since the previous tick, and their total length, from two counts
 * and two sums alone (no row per session): only a tick admits, so the tokens active after
 * the previous tick that are not active now are the ones that ended, and each one's
 * admission is its expiry minus the TTL. Their expiries sum to the previous sum minus the
 * current one (remaining seconds, taken relative to now). Each is taken to have ended halfway
 * between the two ticks (a tick interval apart: a fraction of a session).
 */
function endedSessions(
  previous: LineThroughput,
  tick: AdmissionTick,
  elapsed: number,
): { count: number; seconds: number } {
  const count = previous.at === null ? 0 : previous.activeAfter - tick.active;
  if (count <= 0) return { count: 0, seconds: 0 };
  // Times in seconds relative to now: an active token admitted at a expires at a + TTL.
  const expiriesBefore = previous.activeRemainingSeconds - previous.activeAfter * elapsed;
  const endedExpiries = expiriesBefore - tick.activeRemainingSeconds;
  const endedAdmissions = endedExpiries - count * tick.ttlSeconds;
  const seconds = count * (-elapsed / 2) - endedAdmissions;
  return { count, seconds: Math.min(count * tick.ttlSeconds, Math.max(0, seconds)) };
}

/**
 * How long an active session lasts (admission to payment or expiry), on average over the
 * sessions that ended lately (about the last turnover of the slots); null before any ended.
 */
export function meanSessionSeconds(
  throughput: Pick<LineThroughput, 'sessionsEnded' | 'sessionSeconds'>,
): number | null {
  if (throughput.sessionsEnded <= 0) return null;
  return throughput.sessionSeconds / throughput.sessionsEnded;
}

/**
 * The observed rate in admissions per minute, or null while fewer than one admission was
 * observed (nothing known: the estimate then uses the settings and the expiries). Both sums
 * decay alike, so what is left of an old observation keeps its rate, and a remnant of less
 * than one admission counts as nothing.
 */
export function throughputPerMinute(throughput: LineThroughput): number | null {
  if (throughput.seconds <= 0 || throughput.admitted < 1) return null;
  return (throughput.admitted * 60) / throughput.seconds;
}
