import { FakeClock } from '@test/support/fake-clock';
import {
  LineThroughput,
  meanSessionSeconds,
  NO_THROUGHPUT,
  observeAdmissionTick,
  THROUGHPUT_HORIZON_SECONDS,
  throughputPerMinute,
} from './line-throughput';

describe('the line throughput behind the wait estimate', () => {
  let clock: FakeClock;
  let state: LineThroughput;

  beforeEach(() => {
    clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
    state = NO_THROUGHPUT;
  });

  /** One admission tick `seconds` after the previous one. */
  const tick = (seconds: number, admitted: number, waitingAfter = true, running = true) => {
    clock.advanceSeconds(seconds);
    state = observeAdmissionTick(state, {
      now: clock.now(),
      admitted,
      running,
      waitingAfter,
      active: 0,
      activeRemainingSeconds: 0,
      ttlSeconds: 600,
    });
    return throughputPerMinute(state);
  };

  it('knows no rate before the line was ever backlogged', () => {
    expect(throughputPerMinute(NO_THROUGHPUT)).toBeNull();
    // Admissions with nobody left waiting: the arrivals were the limit, not the line.
    expect(tick(1, 5, false)).toBeNull();
    expect(tick(1, 5, false)).toBeNull();
  });

  it('leaves out the tick that fills the free slots at the start of a rush', () => {
    // 100 slots filled at once, 1,000 still waiting: that burst is no rate.
    expect(tick(1, 100)).toBeNull();
    expect(state).toMatchObject({ admitted: 0, seconds: 0, backlogged: true });
  });

  it('divides by the span observed, not by a minute, early in a rush', () => {
    tick(1, 100);
    // 44 buyers pay a second (their slots go to the next in line), ticks every 200 ms.
    for (let i = 0; i < 5; i += 1) tick(0.2, 8.8);
    // One second observed: 44 a second, not 44 a minute.
    expect(throughputPerMinute(state)).toBeCloseTo(44 * 60, 6);
    for (let i = 0; i < 50; i += 1) tick(0.2, 8.8);
    expect(throughputPerMinute(state)).toBeCloseTo(44 * 60, 6);
  });

  it('is the plain rate in a steady state, whatever the tick interval', () => {
    tick(1, 3);
    for (let i = 0; i < 600; i += 1) tick(1, 10);
    expect(throughputPerMinute(state)).toBeCloseTo(600, 6);
    for (let i = 0; i < 120; i += 1) tick(0.5, 5);
    expect(throughputPerMinute(state)).toBeCloseTo(600, 6);
  });

  it('follows a line that slows down, weighing older intervals less', () => {
    tick(1, 3);
    for (let i = 0; i < 120; i += 1) tick(1, 10);
    expect(throughputPerMinute(state)).toBeCloseTo(600, 6);
    // From now on 1 a second: after one horizon the rate is mostly the new one.
    for (let i = 0; i < THROUGHPUT_HORIZON_SECONDS; i += 1) tick(1, 1);
    const rate = throughputPerMinute(state)!;
    expect(rate).toBeLessThan(600 / Math.E + 60);
    expect(rate).toBeGreaterThan(60);
    for (let i = 0; i < 10 * THROUGHPUT_HORIZON_SECONDS; i += 1) tick(1, 1);
    expect(throughputPerMinute(state)).toBeCloseTo(60, 0);
  });

  it('observes nothing while paused or closed, and keeps the rate it had', () => {
    tick(1, 3);
    for (let i = 0; i < 10; i += 1) tick(1, 2);
    expect(throughputPerMinute(state)).toBeCloseTo(120, 6);
    // A paused tick: not backlogged by the line, and the next interval is not observed.
    tick(30, 0, true, false);
    expect(state.backlogged).toBe(false);
    expect(throughputPerMinute(state)).toBeCloseTo(120, 6);
    tick(1, 5);
    expect(throughputPerMinute(state)).toBeCloseTo(120, 6);
  });

  it('counts a backlogged interval without admissions: the cap full, nobody leaving', () => {
    tick(1, 10);
    for (let i = 0; i < 10; i += 1) tick(1, 1);
    expect(throughputPerMinute(state)).toBeCloseTo(60, 6);
    // 50 s with the cap full and nobody paying: the line slowed down.
    for (let i = 0; i < 50; i += 1) tick(1, 0);
    expect(throughputPerMinute(state)!).toBeLessThan(15);
  });

  it('knows no rate until one admission was observed, nor from a remnant of an old one', () => {
    tick(1, 100);
    expect(tick(0.2, 0)).toBeNull();
    expect(tick(0.2, 1)).toBeCloseTo(150, 0);
    // An hour later, twice (idle ticks): the remnant is no rate, however small its span.
    tick(3600, 0, false);
    tick(3600, 0, true);
    expect(state.seconds).toBeLessThan(1e-20);
    expect(throughputPerMinute(state)).toBeNull();
    // A tick a millisecond later, with nobody admitted: still none.
    expect(tick(0.001, 0)).toBeNull();
  });

  describe('the length of the active sessions', () => {
    const TTL = 600;
    /** Admission times (seconds on the fake clock) of the sessions active now. */
    let sessions: number[];
    const seconds = () => clock.now().getTime() / 1000;

    beforeEach(() => {
      sessions = [];
    });

    /**
     * One admission tick `after` seconds after the previous one: the sessions in `ending`
     * (by index) ended since it, then `admitted` new ones start now.
     */
    const sessionTick = (after: number, ending: number[] = [], admitted = 0) => {
      clock.advanceSeconds(after);
      sessions = sessions.filter((_, i) => !ending.includes(i));
      const now = seconds();
      state = observeAdmissionTick(state, {
        now: clock.now(),
        admitted,
        running: true,
        waitingAfter: true,
        active: sessions.length,
        activeRemainingSeconds: sessions.reduce((sum, start) => sum + start + TTL - now, 0),
        ttlSeconds: TTL,
      });
      for (let i = 0; i < admitted; i += 1) sessions.push(now);
      return meanSessionSeconds(state);
    };

    it('knows no length before a session ended', () => {
      expect(meanSessionSeconds(NO_THROUGHPUT)).toBeNull();
      expect(sessionTick(0, [], 3)).toBeNull();
      expect(sessionTick(1)).toBeNull();
      expect(state).toMatchObject({ activeAfter: 3, activeRemainingSeconds: 3 * TTL - 3 });
    });

    it('measures each ended session from its admission to halfway between the two ticks', () => {
      sessionTick(0, [], 2);
      sessionTick(4, [], 1);
      // The first session (admitted at 0) ended between 6 and 6.5: about 6.25 s long.
      expect(sessionTick(2)).toBeNull();
      expect(sessionTick(0.5, [0])).toBeCloseTo(6.25, 6);
      // The one admitted at 4 between 6.5 and 7.5: 3 s; the mean of the two, the older one
      // weighing less: one of the 2 slots turned over since.
      const mean = sessionTick(1, [1]);
      const forget = Math.exp(-1 / 2);
      expect(mean).toBeCloseTo((6.25 * forget + 3) / (forget + 1), 6);
      expect(state.sessionsEnded).toBeCloseTo(forget + 1, 6);
    });

    it('takes a session that ran to its expiry as one TTL long', () => {
      sessionTick(0, [], 1);
      sessionTick(TTL - 0.1);
      expect(sessionTick(0.2, [0])).toBeCloseTo(TTL, 6);
    });

    it('is the plain mean in a steady state, with sessions overlapping', () => {
      // 10 slots, each session lasts 8 s, a tick every 0.2 s.
      for (let i = 0; i < 2_000; i += 1) {
        const now = seconds() + 0.2;
        const ending = sessions.flatMap((start, j) => (now - start >= 8 - 1e-9 ? [j] : []));
        sessionTick(0.2, ending, 10 - (sessions.length - ending.length));
      }
      expect(meanSessionSeconds(state)).toBeCloseTo(7.9, 6);
    });

    it('keeps the last length known while nothing ends, as the prior of the next rush', () => {
      sessionTick(0, [], 1);
      sessionTick(20, [0]);
      expect(meanSessionSeconds(state)).toBeCloseTo(10, 6);
      // An hour with nobody active: the same length, the same weight.
      sessionTick(3600);
      expect(state.sessionsEnded).toBe(1);
      expect(meanSessionSeconds(state)).toBeCloseTo(10, 6);
      // The next rush's first session (2 s, its one slot turned over: the old one weighs 1/e).
      sessionTick(0, [], 1);
      expect(sessionTick(4, [0])).toBeCloseTo((10 / Math.E + 2) / (1 / Math.E + 1), 6);
    });

    it('follows sessions that get shorter within about one turnover of the slots', () => {
      // 10 slots: sessions of 10 s, then of 4 s (the rush's first ones were slow).
      const run = (length: number, ticks: number) => {
        for (let i = 0; i < ticks; i += 1) {
          const now = seconds() + 0.2;
          const ending = sessions.flatMap((start, j) => (now - start >= length - 1e-9 ? [j] : []));
          sessionTick(0.2, ending, 10 - (sessions.length - ending.length));
        }
      };
      run(10, 300);
      expect(meanSessionSeconds(state)).toBeCloseTo(9.9, 1);
      // 40 sessions of 4 s later (4 turnovers of the 10 slots): nearly all of the mean.
      run(4, 80);
      expect(meanSessionSeconds(state)!).toBeLessThan(4.5);
    });

    it('ignores tokens that became active without a tick (no negative ends)', () => {
      sessionTick(0, [], 1);
      sessions.push(seconds());
      expect(sessionTick(1)).toBeNull();
      expect(state.sessionsEnded).toBe(0);
    });
  });
});
