import { QueueSettingsOverrides } from '../../../domain/admission-policy';
import { LineThroughput } from '../../../domain/line-throughput';

export interface StoredQueueSettings extends QueueSettingsOverrides {
  /** The rate the admission job last recorded (admissions per minute while backlogged). */
  observedAdmissionsPerMinute: number | null;
  /** What the admission job observed of the line's throughput so far. */
  throughput: LineThroughput;
  /** The scheduled opening, or null. */
  opensAt: Date | null;
  /** False from the moment a future opening is set until its pre-queue gets its places. */
  prequeueShuffled: boolean;
  /** The last opening's places, while its key is kept (null: none). */
  opening: StoredOpening | null;
}

/**
 * An opening that happened: the pre-queue's arrival numbers [seqFrom, seqTo) got places by a
 * permutation keyed by `key` (a secret drawn from a CSPRNG at the opening), place p the key
 * `below - (seqTo - seqFrom) + p`; the keys of places [0, frontier) are written.
 */
export interface StoredOpening {
  key: Buffer;
  seqFrom: number;
  seqTo: number;
  below: number;
  frontier: number;
}

/**
 * A change of settings: an absent key keeps the stored value; null for max_active or
 * admit_per_minute clears the override (back to the environment's value).
 */
export interface QueueSettingsPatch {
  maxActive?: number | null;
  admitPerMinute?: number | null;
  paused?: boolean;
  /** A scheduled opening (null: open now). */
  opensAt?: Date | null;
}

/** The single queue_settings row, shared by every instance. */
export abstract class QueueSettingsRepository {
  abstract load(): Promise<StoredQueueSettings>;
  abstract update(patch: QueueSettingsPatch, now: Date): Promise<void>;
  /** The throughput observed by this tick, and the rate it gives (null: none observed). */
  abstract recordThroughput(
    throughput: LineThroughput,
    admissionsPerMinute: number | null,
  ): Promise<void>;
  /** A future opening was set: its pre-queue waits for its places; the last opening is over. */
  abstract awaitShuffle(): Promise<void>;
  /**
   * The opening: its key, and the pre-queue's range up to `seqTo` (from the last opening's
   * end); the places are drawn, none written yet. Cached pre-queued tokens moved.
   */
  abstract recordOpening(opening: {
    key: Buffer;
    seqTo: number;
    below: number;
  }): Promise<StoredOpening>;
  /** The opening starting at `seqFrom` has the keys of places [0, frontier) written. */
  abstract recordFrontier(seqFrom: number, frontier: number): Promise<void>;
  /** Late arrivals were placed: cached pre-queued tokens moved. */
  abstract recordPlacement(): Promise<void>;
}
