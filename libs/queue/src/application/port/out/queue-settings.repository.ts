import { QueueSettingsOverrides } from '../../../domain/admission-policy';
import { LineThroughput } from '../../../domain/line-throughput';

export interface StoredQueueSettings extends QueueSettingsOverrides {
  /** The rate the admission job last recorded (admissions per minute while backlogged). */
  observedAdmissionsPerMinute: number | null;
  /** What the admission job observed of the line's throughput so far. */
  throughput: LineThroughput;
  /** The scheduled opening, or null. */
  opensAt: Date | null;
  /** False from the moment a future opening is set until its pre-queue is shuffled. */
  prequeueShuffled: boolean;
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
  /** A future opening was set: its pre-queue waits to be shuffled. */
  abstract awaitShuffle(): Promise<void>;
  /** The pre-queue got its places (shuffled, or late arrivals placed): cached tokens moved. */
  abstract recordPlacement(shuffled: boolean): Promise<void>;
}
