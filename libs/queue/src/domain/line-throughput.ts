/**
 * How fast the line moves when it is the line, not the arrivals, that limits admission: the
 * rate behind every wait estimate.
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
}

export const NO_THROUGHPUT: LineThroughput = {
  admitted: 0,
  seconds: 0,
  at: null,
  backlogged: false,
};

export interface AdmissionTick {
  now: Date;
  /** Tokens this tick admitted. */
  admitted: number;
  /** Whether admission runs at all (not paused, not before a scheduled opening). */
  running: boolean;
  /** Whether tokens are still waiting after this tick's admissions. */
  waitingAfter: boolean;
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
  return {
    admitted: previous.admitted * decay + (observed ? tick.admitted : 0),
    seconds: previous.seconds * decay + (observed ? elapsed : 0),
    at: tick.now,
    backlogged: tick.running && tick.waitingAfter,
  };
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
