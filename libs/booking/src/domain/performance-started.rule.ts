/**
 * The "performance has started" rule, once, in TypeScript and in SQL side by side: a seat can
 * be neither held nor paid for from the instant its performance starts (a performance starting
 * exactly now has started). Booking and payment both ask here.
 */
export function hasPerformanceStarted(performanceDatetime: Date, now: Date): boolean {
  return performanceDatetime.getTime() <= now.getTime();
}

/**
 * hasPerformanceStarted in SQL: `performanceDatetime` is the SQL of a
 * concert_performances.performance_datetime value, `now` the SQL of the current time.
 */
export function performanceStartedSql(performanceDatetime: string, now: string): string {
  return `(${performanceDatetime} <= ${now})`;
}
