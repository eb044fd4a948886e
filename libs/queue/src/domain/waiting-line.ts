import { QueueSettings } from './admission-policy';
import { PrequeuePermutation } from './prequeue-permutation';
import { PrequeueTicket } from './queue-token';

/**
 * The waiting line as one instance knows it, read once per admission tick for every poll
 * together (and again at once when another instance announces an admission). A waiting
 * token's poll is answered from it and from the token's own immutable facts, without the
 * database: its cost does not grow with the number of waiters.
 */
export interface LineSnapshot extends LineShape {
  /** When it was read (the clock's time). */
  readAt: Date;
  /** The largest line_key waiting, or null. */
  tail: number | null;
  settings: QueueSettings;
  /** The scheduled opening, or null: before it, new tokens wait in the pre-queue. */
  opensAt: Date | null;
  /** Counts the times pre-queued tokens were given places: cached pre-queue tokens moved. */
  generation: number;
  /** When each active token expires, soonest first (at most ACTIVE_EXPIRIES_READ of them). */
  activeExpiries: Date[];
  /**
   * How long an active session lasted on average lately (line-throughput.ts), as the
   * admission job last recorded it; null before any session ended.
   */
  meanSessionSeconds: number | null;
  /** When each slot is expected to free, computed once per snapshot (`forecastSlots`). */
  slots: SlotForecast;
  /** How many tokens are active (IN_PROGRESS, inside their TTL). */
  active: number;
  /** The near-head zone's history, oldest first: from `at` on, keys up to `key` were in it. */
  zone: ZoneMark[];
  /** The last opening, while its key is kept: the pre-queue's places (null: none). */
  opening: SnapshotOpening | null;
}

/**
 * An opening as the snapshot knows it: the pre-queue's arrival numbers [seqFrom, seqTo) have
 * the places of `permutation` (keyed by the opening's secret), place p the key
 * `below - size + p`: a block ahead of everyone who came later. The keys of places
 * [0, frontier) are written in the rows; the rest are known all the same.
 */
export interface SnapshotOpening {
  seqFrom: number;
  seqTo: number;
  below: number;
  frontier: number;
  permutation: PrequeuePermutation;
}

/**
 * The line key a pre-queued token has or will have from its opening, from its arrival number
 * alone: null when the opening does not place it (none yet, not in its range), or when it came
 * late (its place was written before it could be seen: it is placed behind the line instead).
 */
export function prequeueKey(
  ticket: PrequeueTicket | null | undefined,
  opening: SnapshotOpening | null,
): number | null {
  if (!ticket || !opening) return null;
  if (ticket.seq < opening.seqFrom || ticket.seq >= opening.seqTo) return null;
  const place = opening.permutation.forward(ticket.seq - opening.seqFrom);
  if (place < ticket.lateBelow) return null;
  return opening.below - opening.permutation.size + place;
}

/** A waiting token's key: written, or computed from its opening; null while it has none. */
export function lineKeyOf(
  token: { lineKey: number | null; prequeue?: PrequeueTicket | null },
  opening: SnapshotOpening | null,
): number | null {
  return token.lineKey ?? prequeueKey(token.prequeue, opening);
}

export interface ZoneMark {
  at: Date;
  key: number;
}

/**
 * Where the waiting keys are. Keys come from a sequence (positive, in arrival order), except
 * the pre-queue of a scheduled opening, which takes a block of negative keys ahead of everyone
 * (in the permutation's order): two dense runs, each left only from its head. While the block's
 * keys are being written, its unwritten places count as waiting.
 */
export interface LineShape {
  /** The smallest line_key still waiting, or null when nobody waits. */
  head: number | null;
  /** The largest negative key waiting (the end of the opening's block), or null. */
  negTail: number | null;
  /** The smallest positive key waiting, or null. */
  posHead: number | null;
}

/** Active expiries read per snapshot: enough for any estimate a waiter can use. */
export const ACTIVE_EXPIRIES_READ = 10_000;

/**
 * Whether a token the snapshot may answer for is still waiting: nobody leaves the line but
 * from its head, so a key at or past the head is still in line (or was admitted less than a
 * tick ago, which the contract allows a waiting answer to lag by).
 */
export function isStillWaiting(lineKey: number, snapshot: LineSnapshot): boolean {
  return snapshot.head !== null && lineKey >= snapshot.head;
}

/**
 * 1-based place in line. Every token enters the line at its end and leaves it only from the
 * head, so the keys between the head and this token are all still waiting: the place is a
 * subtraction, not a count. Sequence gaps and a head read up to a tick ago only make it an
 * overestimate, never an underestimate.
 */
export function placeInLine(lineKey: number, shape: LineShape): number {
  const { head, negTail, posHead } = shape;
  if (head === null || head > lineKey) return 1;
  if (lineKey < 0 || negTail === null || head > 0) return lineKey - head + 1;
  // Behind the opening's block: all of it that is left, then this run up to the key.
  const ahead = negTail - head + 1;
  return ahead + (posHead === null || posHead > lineKey ? 1 : lineKey - posHead + 1);
}

/** Whether the line is closed for a scheduled opening still ahead. */
export function isBeforeOpening(opensAt: Date | null, now: Date): boolean {
  return opensAt !== null && opensAt.getTime() > now.getTime();
}

/**
 * When the slots are expected to free, for every waiter of one snapshot: a waiter at place p
 * past the f free slots is admitted when the (p - f)-th slot frees.
 */
export interface SlotForecast {
  /**
   * One entry per slot (each active token's, and each free one's, which the next tick fills):
   * when it is expected to free, in ms since the epoch, soonest first.
   */
  freesAt: number[];
  /** How long a session lasts: once every slot freed, each frees again this much later. */
  cycleMs: number;
}

/**
 * When each slot frees, from what is known of the sessions: each active token's admission
 * (its expiry minus the TTL) and how long sessions lasted lately (`meanSeconds`).
 *
 * - A session younger than the mean is expected to end at the mean length.
 * - A session older than the mean has already run over: it is expected to run over by as much
 *   again (a session 10 s past a 5 s mean is more likely abandoned than about to pay).
 * - Before any session ended (the first seconds of a first rush), nothing is known of the
 *   length but that each session has lasted its age: each is expected to last as long again,
 *   and a new one twice the oldest's age (the TTL while nobody is active yet).
 * - Never later than the session's expiry, which ends it at the latest; and a new session in
 *   a free slot, or in a slot that freed, lasts the mean (at most the TTL).
 */
export function forecastSlots(
  activeExpiries: readonly Date[],
  free: number,
  readAt: Date,
  ttlSeconds: number,
  meanSeconds: number | null,
): SlotForecast {
  const now = readAt.getTime();
  const ttlMs = ttlSeconds * 1000;
  const ages = activeExpiries.map((expiry) => Math.max(0, now - (expiry.getTime() - ttlMs)));
  const knownMs = meanSeconds === null ? null : meanSeconds * 1000;
  // Nobody active and no length known (before the first admission): only the TTL bounds it.
  const typicalMs =
    knownMs ??
    (ages.length === 0 ? ttlMs : 2 * ages.reduce((oldest, age) => Math.max(oldest, age), 0));
  const cycleMs = Math.min(ttlMs, Math.max(1000, typicalMs));
  const freesAt = activeExpiries.map((expiry, i) => {
    const age = ages[i];
    const left = knownMs === null ? age : Math.abs(knownMs - age);
    return Math.min(expiry.getTime(), now + left);
  });
  for (let i = 0; i < free; i += 1) freesAt.push(now + cycleMs);
  freesAt.sort((a, b) => a - b);
  return { freesAt, cycleMs };
}

/**
 * Seconds until admission, for the waiter at `position`: the first waiters take the free
 * slots at the next tick; past them, the waiter waits for the slot that frees (p - f)-th by
 * the snapshot's forecast (`forecastSlots`), each slot freeing again one session later once
 * all did. Never faster than the rate cap. Rounded to the nearest second, at least 1. Null
 * only while admission is paused or max_active / admit_per_minute is 0.
 */
export function estimateWaitSeconds(
  position: number,
  snapshot: Pick<LineSnapshot, 'settings' | 'active' | 'slots'>,
  now: Date,
): number | null {
  const { settings, slots } = snapshot;
  if (settings.paused || settings.maxActive <= 0 || settings.admitPerMinute <= 0) return null;
  const byRateCap = (position * 60) / settings.admitPerMinute;
  const free = Math.max(0, settings.maxActive - snapshot.active);
  let wait = 0;
  if (position > free && slots.freesAt.length > 0) {
    const needed = position - free;
    const cycles = Math.floor((needed - 1) / slots.freesAt.length);
    const freesAt = slots.freesAt[(needed - 1) % slots.freesAt.length] + cycles * slots.cycleMs;
    wait = Math.max(0, (freesAt - now.getTime()) / 1000);
  }
  return Math.max(1, Math.round(Math.max(byRateCap, wait)));
}

/**
 * When the near-head zone first covered `lineKey`, or null when it never did (the token is
 * further back, or it reached the head faster than the zone grew).
 */
export function zoneEntry(lineKey: number, zone: readonly ZoneMark[]): Date | null {
  for (const mark of zone) if (mark.key >= lineKey) return mark.at;
  return null;
}

/**
 * The moment from which a waiter is expected to show a sign of life: when it came near the
 * head, or when it joined if it joined there.
 */
function expectedFrom(
  token: { lineKey: number; createdAt: Date },
  zone: readonly ZoneMark[],
): Date | null {
  const entry = zoneEntry(token.lineKey, zone);
  if (entry === null) return null;
  return entry.getTime() >= token.createdAt.getTime() ? entry : token.createdAt;
}

/**
 * How long before a waiter near the head can first be judged it is asked for its sign of life:
 * a waiter that polls at least this often shows one in time (clients are asked to poll every
 * 10 s; an open stream shows it by itself at the next tick). Never more than the abandonment
 * delay itself (then it is asked at once on entering the zone).
 */
export const SIGN_OF_LIFE_LEAD_SECONDS = 30;

export function signOfLifeLeadSeconds(abandonAfterSeconds: number): number {
  return Math.min(abandonAfterSeconds, SIGN_OF_LIFE_LEAD_SECONDS);
}

/**
 * Whether a poll of this waiter must write its sign of life: it is in the near-head zone, has
 * not shown one since it came there, and could be judged at the head within the lead (it has
 * been in the zone for the abandonment delay minus the lead). A waiter that reaches the head
 * sooner cannot be judged and never writes; so a waiter writes at most once, and only when its
 * sign of life can matter: the line's writes follow the admissions, not the number of waiters
 * in the zone, nor when they started polling.
 */
export function needsSignOfLife(
  token: { lineKey: number; createdAt: Date; lastSeenAt: Date },
  zone: readonly ZoneMark[],
  now: Date,
  abandonAfterSeconds: number,
): boolean {
  const from = expectedFrom(token, zone);
  if (from === null || token.lastSeenAt.getTime() > from.getTime()) return false;
  const dueAfterMs = (abandonAfterSeconds - signOfLifeLeadSeconds(abandonAfterSeconds)) * 1000;
  return now.getTime() - from.getTime() >= dueAfterMs;
}

/**
 * A waiter at the head is abandoned when it has been near the head for `abandonAfterSeconds`
 * without a sign of life since: it must not take a slot. A waiter that reached the head
 * faster than the zone grew is never judged (it had no chance to show one).
 */
export function isAbandonedAtHead(
  token: { lineKey: number; createdAt: Date; lastSeenAt: Date },
  zone: readonly ZoneMark[],
  now: Date,
  abandonAfterSeconds: number,
): boolean {
  const from = expectedFrom(token, zone);
  if (from === null) return false;
  return (
    token.lastSeenAt.getTime() <= from.getTime() &&
    now.getTime() - from.getTime() >= abandonAfterSeconds * 1000
  );
}

/** The fewest waiters the near-head zone covers. */
export const MIN_ZONE_SIZE = 100;

/**
 * How many waiters from the head are in the zone: those that the observed rate (or the rate
 * cap when nothing was observed) admits within the abandonment delay plus the sign-of-life
 * lead, so that a waiter entering it has been near the head long enough to be judged when it
 * gets there, even if the line moves somewhat faster meanwhile. No larger: the waiters the
 * zone holds when it first forms are asked for a sign of life only if they could still be
 * judged (`needsSignOfLife`), so its size is what the line's writes pay once when admission
 * starts (the lead's two rounds of admissions).
 */
export function zoneSize(
  observedAdmissionsPerMinute: number | null,
  settings: QueueSettings,
  abandonAfterSeconds: number,
): number {
  // Never above the rate cap: a rate measured over a short span may be (a burst).
  const perMinute =
    observedAdmissionsPerMinute && observedAdmissionsPerMinute > 0
      ? Math.min(observedAdmissionsPerMinute, settings.admitPerMinute)
      : Math.min(settings.admitPerMinute, settings.maxActive);
  const seconds = abandonAfterSeconds + signOfLifeLeadSeconds(abandonAfterSeconds);
  return Math.max(MIN_ZONE_SIZE, Math.ceil((perMinute * seconds) / 60));
}
