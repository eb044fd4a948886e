import {
  estimateWaitSeconds,
  forecastSlots,
  isAbandonedAtHead,
  isBeforeOpening,
  isStillWaiting,
  LineSnapshot,
  needsSignOfLife,
  signOfLifeLeadSeconds,
  placeInLine,
  zoneEntry,
  zoneSize,
} from './waiting-line';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const settings = { maxActive: 10, admitPerMinute: 60, paused: false };

function snapshot(overrides: Partial<LineSnapshot> = {}): LineSnapshot {
  return {
    readAt: t0,
    head: 100,
    negTail: null,
    posHead: 100,
    tail: 200,
    opensAt: null,
    generation: 0,
    settings,
    activeExpiries: [],
    active: 0,
    meanSessionSeconds: null,
    slots: { freesAt: [], cycleMs: 1000 },
    zone: [],
    opening: null,
    ...overrides,
  };
}

describe('the waiting line', () => {
  describe('placeInLine', () => {
    const run = (head: number | null) => ({ head, negTail: null, posHead: head });

    it('counts from the head of the line, 1-based', () => {
      expect(placeInLine(100, run(100))).toBe(1);
      expect(placeInLine(142, run(100))).toBe(43);
    });

    it('is 1 when nobody is ahead or the token was just taken off the head', () => {
      expect(placeInLine(5, run(null))).toBe(1);
      expect(placeInLine(5, run(9))).toBe(1);
    });

    it('never goes below the truth with a head read earlier (a smaller head)', () => {
      // Truth: head moved from 100 to 130; the snapshot still says 100.
      expect(placeInLine(142, run(100))).toBeGreaterThanOrEqual(placeInLine(142, run(130)));
    });

    it('counts the rest of a shuffled block ahead of the later arrivals', () => {
      // The shuffled pre-queue holds keys -1000..-1, 400 of them left; arrivals from 5001.
      const shape = { head: -400, negTail: -1, posHead: 5001 };
      expect(placeInLine(-400, shape)).toBe(1);
      expect(placeInLine(-1, shape)).toBe(400);
      expect(placeInLine(5001, shape)).toBe(401);
      expect(placeInLine(5010, shape)).toBe(410);
      // Once the block is gone, the later arrivals count from their own head.
      expect(placeInLine(5010, { head: 5001, negTail: null, posHead: 5001 })).toBe(10);
    });
  });

  it('is closed before a scheduled opening and open at it', () => {
    expect(isBeforeOpening(null, t0)).toBe(false);
    expect(isBeforeOpening(at(1), t0)).toBe(true);
    expect(isBeforeOpening(t0, t0)).toBe(false);
    expect(isBeforeOpening(at(-1), t0)).toBe(false);
  });

  it('treats a key at or past the head as still waiting', () => {
    expect(isStillWaiting(100, snapshot())).toBe(true);
    expect(isStillWaiting(500, snapshot())).toBe(true);
    expect(isStillWaiting(99, snapshot())).toBe(false);
    expect(isStillWaiting(100, snapshot({ head: null }))).toBe(false);
  });

  describe('forecastSlots and estimateWaitSeconds', () => {
    const TTL = 600;
    /** Expiry of a token admitted `age` seconds before t0. */
    const admittedAgo = (age: number) => at(TTL - age);
    /**
     * A snapshot at t0 with these active tokens and this mean session length; 10 slots and a
     * rate cap that bounds nothing unless `caps` say otherwise.
     */
    const line = (
      expiries: Date[],
      mean: number | null,
      caps: Partial<typeof settings> = {},
    ): LineSnapshot => {
      const s = { ...settings, admitPerMinute: 60_000, ...caps };
      return snapshot({
        settings: s,
        activeExpiries: expiries,
        active: expiries.length,
        meanSessionSeconds: mean,
        slots: forecastSlots(expiries, Math.max(0, s.maxActive - expiries.length), t0, TTL, mean),
      });
    };
    const estimate = (position: number, of: LineSnapshot, now = t0) =>
      estimateWaitSeconds(position, of, now);

    it('expects each session to end at the mean length, the first waiters in the free slots', () => {
      // 10 slots, 8 taken by sessions admitted 1..8 s ago, sessions last 10 s.
      const ages = [1, 2, 3, 4, 5, 6, 7, 8];
      const snap = line(ages.map(admittedAgo), 10);
      // The 2 free slots go to places 1 and 2 at the next tick.
      expect(estimate(1, snap)).toBe(1);
      expect(estimate(2, snap)).toBe(1);
      // Place 3 waits for the oldest session (8 s old): 2 s; place 10 for the youngest: 9 s.
      expect(estimate(3, snap)).toBe(2);
      expect(estimate(10, snap)).toBe(9);
      // The 2 sessions that start at the next tick end in 10 s: places 11 and 12.
      expect(estimate(11, snap)).toBe(10);
      expect(estimate(12, snap)).toBe(10);
      // Then every slot frees once more, a session later: place 13 waits 2 + 10 s.
      expect(estimate(13, snap)).toBe(12);
      // Polled 1.5 s after the snapshot was read: that much less.
      expect(estimate(3, snap, at(1.5))).toBe(1);
      expect(estimate(10, snap, at(1.5))).toBe(8);
    });

    it('expects a session past the mean to run over by as much again, and never past its expiry', () => {
      // Sessions last 10 s; one is 14 s old (4 s over: 4 s more), one 30 s old (20 s more).
      const snap = line([admittedAgo(14), admittedAgo(30)], 10, { maxActive: 2 });
      expect(estimate(1, snap)).toBe(4);
      expect(estimate(2, snap)).toBe(20);
      // One close to its expiry ends there at the latest.
      const late = line([admittedAgo(595), admittedAgo(5)], 10, { maxActive: 2 });
      expect(estimate(1, late)).toBe(5);
      expect(estimate(2, late)).toBe(5);
    });

    it('before any session ended, expects each to last twice its age', () => {
      // Sessions 2 and 3 s old, nothing ended yet: they end in 2 and 3 s; a new session
      // lasts twice the oldest age, 6 s.
      const snap = line([admittedAgo(2), admittedAgo(3)], null, { maxActive: 2 });
      expect(estimate(1, snap)).toBe(2);
      expect(estimate(2, snap)).toBe(3);
      expect(estimate(3, snap)).toBe(8);
      // Nobody admitted yet, nothing known: a place past the cap waits a TTL.
      const empty = line([], null, { maxActive: 2 });
      expect(estimate(2, empty)).toBe(1);
      expect(estimate(3, empty)).toBe(TTL);
    });

    it('counts a slot that frees again at most a TTL later', () => {
      const snap = line([admittedAgo(1)], 5_000, { maxActive: 1 });
      expect(estimate(1, snap)).toBe(TTL - 1);
      expect(estimate(2, snap)).toBe(2 * TTL - 1);
    });

    it('never promises an admission faster than the rate cap', () => {
      // 10 free slots at 60 a minute: place 5 goes in about 5 s.
      expect(estimate(5, line([], 10, { admitPerMinute: 60 }))).toBe(5);
      // A fast turnover, but the rate cap is 60 a minute: a second per place.
      const snap = line(
        Array.from({ length: 10 }, () => admittedAgo(9.9)),
        10,
        { admitPerMinute: 60 },
      );
      expect(estimate(10, snap)).toBe(10);
    });

    it('keeps the forecast sorted: polls pick one entry', () => {
      const slots = forecastSlots(
        [admittedAgo(1), admittedAgo(9), admittedAgo(30)],
        1,
        t0,
        TTL,
        10,
      );
      expect(slots.freesAt).toEqual([at(1), at(9), at(10), at(20)].map((d) => d.getTime()));
      expect(slots.cycleMs).toBe(10_000);
    });

    it('is null only while admission is paused or a cap is 0', () => {
      expect(estimate(3, line([], 10, { paused: true }))).toBeNull();
      expect(estimate(3, line([], 10, { maxActive: 0 }))).toBeNull();
      expect(estimate(3, line([], 10, { admitPerMinute: 0 }))).toBeNull();
    });
  });

  describe('the near-head zone', () => {
    const zone = [
      { at: at(0), key: 150 },
      { at: at(10), key: 180 },
    ];

    it('gives each key the time the zone first covered it', () => {
      expect(zoneEntry(120, zone)).toEqual(at(0));
      expect(zoneEntry(150, zone)).toEqual(at(0));
      expect(zoneEntry(151, zone)).toEqual(at(10));
      expect(zoneEntry(181, zone)).toBeNull();
    });

    it('asks a waiter in the zone for one sign of life once it could be judged within the lead', () => {
      // In the zone from 10 s: judged from 130 s at the earliest, asked from 100 s (30 s ahead).
      const waiter = { lineKey: 160, createdAt: at(-500), lastSeenAt: at(-500) };
      expect(needsSignOfLife(waiter, zone, at(11), 120)).toBe(false);
      expect(needsSignOfLife(waiter, zone, at(99), 120)).toBe(false);
      expect(needsSignOfLife(waiter, zone, at(100), 120)).toBe(true);
      expect(needsSignOfLife(waiter, zone, at(500), 120)).toBe(true);
      expect(needsSignOfLife({ ...waiter, lastSeenAt: at(11) }, zone, at(500), 120)).toBe(false);
      expect(needsSignOfLife({ ...waiter, lineKey: 500 }, zone, at(500), 120)).toBe(false);
    });

    it('asks at once on entering the zone when the delay is no longer than the lead', () => {
      const waiter = { lineKey: 160, createdAt: at(-500), lastSeenAt: at(-500) };
      expect(signOfLifeLeadSeconds(20)).toBe(20);
      expect(needsSignOfLife(waiter, zone, at(10), 20)).toBe(true);
      expect(needsSignOfLife(waiter, zone, at(9), 20)).toBe(false);
    });

    it('counts a waiter that joined inside the zone from its joining', () => {
      const joinedLate = { lineKey: 120, createdAt: at(30), lastSeenAt: at(30) };
      expect(needsSignOfLife(joinedLate, zone, at(119), 120)).toBe(false);
      expect(needsSignOfLife(joinedLate, zone, at(120), 120)).toBe(true);
      expect(isAbandonedAtHead(joinedLate, zone, at(149), 120)).toBe(false);
      expect(isAbandonedAtHead(joinedLate, zone, at(150), 120)).toBe(true);
    });

    it('judges a waiter abandoned only after the delay in the zone without a sign of life', () => {
      const silent = { lineKey: 160, createdAt: at(-500), lastSeenAt: at(-500) };
      expect(isAbandonedAtHead(silent, zone, at(129), 120)).toBe(false);
      expect(isAbandonedAtHead(silent, zone, at(130), 120)).toBe(true);
      const alive = { ...silent, lastSeenAt: at(15) };
      expect(isAbandonedAtHead(alive, zone, at(1000), 120)).toBe(false);
    });

    it('never judges a waiter that reached the head faster than the zone grew', () => {
      const jumped = { lineKey: 500, createdAt: at(-500), lastSeenAt: at(-500) };
      expect(isAbandonedAtHead(jumped, zone, at(1000), 120)).toBe(false);
    });

    it('covers what the rate admits in the abandonment delay plus the lead', () => {
      expect(zoneSize(600, { ...settings, admitPerMinute: 600 }, 120)).toBe(1500);
      // A rate measured over a short burst counts no faster than the rate cap (60 a minute).
      expect(zoneSize(600, settings, 120)).toBe(150);
      expect(zoneSize(null, settings, 120)).toBe(100);
      expect(zoneSize(null, { ...settings, maxActive: 1000, admitPerMinute: 600 }, 120)).toBe(1500);
    });

    /**
     * A crowd that polls every 10 s while the line moves at 10 a second from the moment
     * admission starts, the zone grown as the admission tick grows it: the signs of life
     * written follow the admissions (one per waiter that could be judged, none in the first
     * delay minus the lead), nobody who polls is judged abandoned, and the silent ones are.
     */
    it('writes signs of life at the pace of the admissions, and judges only the silent', () => {
      const perSecond = 10;
      const abandonAfter = 120;
      const waiters = 6_000;
      const silent = (key: number) => key % 50 === 7;
      const lastSeen = new Map<number, number>();
      const marks: { at: Date; key: number }[] = [];
      const writesAt: number[] = [];
      const judged: number[] = [];
      let head = 1;
      for (let second = 0; second < 420; second += 1) {
        const now = at(second);
        // The tick: the head moves (the silent ones judged there), then the zone grows.
        for (let admitted = 0; admitted < perSecond;) {
          const facts = {
            lineKey: head,
            createdAt: at(-1000),
            lastSeenAt: at(lastSeen.get(head) ?? -1000),
          };
          if (isAbandonedAtHead(facts, marks, now, abandonAfter)) judged.push(head);
          else admitted += 1;
          head += 1;
        }
        const reach =
          head + zoneSize(perSecond * 60, { ...settings, admitPerMinute: 600 }, abandonAfter) - 1;
        if (marks.length === 0 || reach > marks[marks.length - 1].key)
          marks.push({ at: now, key: reach });
        // Each waiter polls once every 10 s (spread over the seconds).
        for (let key = head + ((((second - head) % 10) + 10) % 10); key <= waiters; key += 10) {
          if (silent(key)) continue;
          const facts = {
            lineKey: key,
            createdAt: at(-1000),
            lastSeenAt: at(lastSeen.get(key) ?? -1000),
          };
          if (needsSignOfLife(facts, marks, now, abandonAfter)) {
            lastSeen.set(key, second);
            writesAt.push(second);
          }
        }
      }
      // Nobody could be judged in the first 90 s: nobody wrote.
      expect(writesAt.filter((second) => second < 90)).toEqual([]);
      // Then at most one write per admission, plus once the lead's two rounds of admissions.
      for (const until of [120, 180, 300, 420]) {
        expect(writesAt.filter((second) => second < until).length).toBeLessThanOrEqual(
          perSecond * (until - 90) + 2 * 30 * perSecond,
        );
      }
      // Every waiter judged was a silent one, and the silent ones that came late enough were.
      expect(judged.length).toBeGreaterThan(0);
      expect(judged.every(silent)).toBe(true);
      expect(judged[0]).toBeGreaterThan(perSecond * (abandonAfter - 1));
    });
  });
});
