import { QueueSettingsOverrides } from '../../../domain/admission-policy';

export interface StoredQueueSettings extends QueueSettingsOverrides {
  /** Admissions in the last minute, as the admission job last observed them. */
  observedAdmissionsPerMinute: number | null;
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
  abstract recordObservedRate(admissionsPerMinute: number, now: Date): Promise<void>;
  /** A future opening was set: its pre-queue waits to be shuffled. */
  abstract awaitShuffle(): Promise<void>;
  /** The pre-queue got its places (shuffled, or late arrivals placed): cached tokens moved. */
  abstract recordPlacement(shuffled: boolean): Promise<void>;
}
