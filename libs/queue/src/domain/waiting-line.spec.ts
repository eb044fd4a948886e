import {
  estimateWaitSeconds,
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
    observedAdmissionsPerMinute: null,
    backlogged: false,
    activeExpiries: [],
    active: 0,
    zone: [],
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

  describe('estimateWaitSeconds', () => {
    const full = (expiries = Array.from({ length: 10 }, (_, i) => at(300 + i * 10))) =>
      snapshot({ active: 10, activeExpiries: expiries });

    it('divides the places past the free slots by the observed rate, to the nearest second', () => {
      const observed = { ...full(), observedAdmissionsPerMinute: 2 };
      expect(estimateWaitSeconds(1, observed, t0, 600)).toBe(30);
      expect(estimateWaitSeconds(3, observed, t0, 600)).toBe(90);
      expect(estimateWaitSeconds(10, { ...full(), observedAdmissionsPerMinute: 7 }, t0, 600)).toBe(
        86,
      );
      // A rush: 2,640 a minute (44 a second), 4 slots free: place 48 waits for 44 slots, 1 s.
      const rush = snapshot({
        settings: { maxActive: 100, admitPerMinute: 12_000, paused: false },
        active: 96,
        activeExpiries: Array.from({ length: 96 }, () => at(600)),
        observedAdmissionsPerMinute: 2_640,
      });
      expect(estimateWaitSeconds(48, rush, t0, 600)).toBe(1);
      expect(estimateWaitSeconds(444, rush, t0, 600)).toBe(10);
    });

    it('gives the free slots to the first waiters at the rate cap, whatever the observed rate', () => {
      const observed = snapshot({ active: 7, observedAdmissionsPerMinute: 2 });
      // 3 slots free at 60 a minute: places 1..3 go in 1..3 s; place 5 waits for 2 slots.
      expect(estimateWaitSeconds(3, observed, t0, 600)).toBe(3);
      expect(estimateWaitSeconds(5, observed, t0, 600)).toBe(60);
    });

    it('gives no head start for the slots free this instant while the line is backlogged', () => {
      // 30 slots freed since the last tick, which left people waiting: those people get
      // them, at the pace the line moves (the rate counts the refilling), not this waiter.
      const rush = snapshot({
        settings: { maxActive: 100, admitPerMinute: 12_000, paused: false },
        active: 70,
        activeExpiries: Array.from({ length: 70 }, () => at(600)),
        observedAdmissionsPerMinute: 1_200,
        backlogged: true,
      });
      expect(estimateWaitSeconds(20, rush, t0, 600)).toBe(1);
      expect(estimateWaitSeconds(60, rush, t0, 600)).toBe(3);
      // Few active yet (the cap filling up): the free slots bound nothing, no TTL cycles.
      const filling = {
        ...rush,
        active: 5,
        activeExpiries: [at(600), at(600), at(600), at(600), at(600)],
      };
      expect(estimateWaitSeconds(60, filling, t0, 600)).toBe(3);
      // The same line drained by the last tick: the first 30 go in at the next ticks.
      expect(estimateWaitSeconds(60, { ...rush, backlogged: false }, t0, 600)).toBe(2);
    });

    it('never promises a slot later than the expiries free one, nor faster than the rate cap', () => {
      // Observed 1 every 2 minutes, but the 3rd active token expires in 320 s at the latest.
      expect(estimateWaitSeconds(3, { ...full(), observedAdmissionsPerMinute: 0.5 }, t0, 600)).toBe(
        320,
      );
      // Observed 6,000 a minute while the rate cap is now 60: a second per place.
      expect(
        estimateWaitSeconds(5, { ...full(), observedAdmissionsPerMinute: 6_000 }, t0, 600),
      ).toBe(5);
    });

    it('falls back to the rate cap while slots are free', () => {
      // 10 free slots at 60 a minute: place 5 is admitted in about 5 s.
      expect(estimateWaitSeconds(5, snapshot(), t0, 600)).toBe(5);
    });

    it('falls back to the active tokens expiries when the cap is full and no rate is known', () => {
      const cap = snapshot({
        active: 10,
        activeExpiries: Array.from({ length: 10 }, (_, i) => at(60 + i * 10)),
      });
      // The 3rd slot frees when the 3rd active token expires, 80 s from now.
      expect(estimateWaitSeconds(3, cap, t0, 600)).toBe(80);
      // The 13th waiter needs the 3rd slot a second time: one TTL later.
      expect(estimateWaitSeconds(13, cap, t0, 600)).toBe(680);
    });

    it('is null only while admission is paused or a cap is 0', () => {
      expect(
        estimateWaitSeconds(3, snapshot({ settings: { ...settings, paused: true } }), t0, 600),
      ).toBeNull();
      expect(
        estimateWaitSeconds(3, snapshot({ settings: { ...settings, maxActive: 0 } }), t0, 600),
      ).toBeNull();
      expect(
        estimateWaitSeconds(3, snapshot({ settings: { ...settings, admitPerMinute: 0 } }), t0, 600),
      ).toBeNull();
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
