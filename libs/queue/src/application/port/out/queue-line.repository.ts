import { ZoneMark } from '../../../domain/waiting-line';

export interface WaitingToken {
  id: number;
  lineKey: number;
  createdAt: Date;
  lastSeenAt: Date;
}

/** A pre-queued token's key, by its arrival number, as the opening's permutation gives it. */
export interface PrequeuePlace {
  seq: number;
  key: number;
}

export interface ActiveLoad {
  count: number;
  remainingSeconds: number;
}

/** The line as a whole: what the admission job and the admin view work on. */
export abstract class QueueLineRepository {
  /**
   * Takes the admission lock for the current transaction, or answers false at once when
   * another instance holds it (that instance is doing this tick's work).
   */
  abstract tryLockAdmission(): Promise<boolean>;
  /** Up to `limit` IN_PROGRESS tokens past their TTL become EXPIRED; answers how many. */
  abstract expireOverdue(now: Date, limit: number): Promise<number>;
  /** IN_PROGRESS tokens still inside their TTL. */
  abstract countActive(now: Date): Promise<number>;
  /** The same count, with the seconds those tokens have left until their expiries, summed. */
  abstract activeLoad(now: Date): Promise<ActiveLoad>;
  /** Tokens admitted (activated) after `since`. */
  abstract countAdmittedSince(since: Date): Promise<number>;
  abstract countWaiting(): Promise<number>;
  /** The smallest line_key waiting, or null when nobody waits. */
  abstract headOfLine(): Promise<number | null>;
  /** The first `limit` waiting tokens in line order, row-locked for the transaction. */
  abstract lockHeadOfLine(limit: number): Promise<WaitingToken[]>;
  /** Waiting tokens that gave up: EXPIRED without being admitted. */
  abstract expireWaiting(ids: number[], now: Date): Promise<number>;
  /** Waiting tokens become IN_PROGRESS until `expiresAt`; answers how many changed. */
  abstract admit(ids: number[], now: Date, expiresAt: Date): Promise<number>;
  /**
   * Waiting tokens with no place yet (the pre-queue of a scheduled opening, or late arrivals),
   * not counting the opening's places whose keys are still being written.
   */
  abstract countPrequeue(): Promise<number>;
  /**
   * A future opening closes the line: every waiting token goes back to the pre-queue, with a
   * new arrival number unless it already waits for the next opening. Answers how many moved.
   */
  abstract moveWaitingToPrequeue(): Promise<number>;
  /**
   * Waits for every transaction writing tokens to end and holds new ones until this one ends:
   * at the opening, every arrival number handed out is a committed token or none.
   */
  abstract lockPrequeueJoins(): Promise<void>;
  /** The next arrival number of the pre-queue: the end of an opening's range. */
  abstract prequeueEnd(): Promise<number>;
  /** The key the opening's block ends below: ahead of every key waiting (0 or less). */
  abstract prequeueBelow(): Promise<number>;
  /** Writes these keys of pre-queued tokens still without one; answers how many were written. */
  abstract writePrequeueKeys(places: readonly PrequeuePlace[]): Promise<number>;
  /**
   * Pre-queued tokens that came late: placed at the end of the line, in arrival order. With
   * `outside`, only those whose arrival number is not in the range [seqFrom, seqTo).
   */
  abstract placeLatePrequeue(outside?: { seqFrom: number; seqTo: number }): Promise<number>;
  /** Forgets the near-head zone (the keys were reassigned). */
  abstract clearZone(): Promise<void>;
  /** The near-head zone's marks, oldest first. */
  abstract zoneMarks(): Promise<ZoneMark[]>;
  /** The zone grew at `at` to cover keys up to `key`. */
  abstract markZone(at: Date, key: number): Promise<void>;
  /** Forgets the marks that only cover keys below `head` (all of them gone from the line). */
  abstract dropZoneMarksBelow(head: number): Promise<void>;
}
