import { QueueSettingsOverrides } from '../../../domain/admission-policy';

export interface StoredQueueSettings extends QueueSettingsOverrides {
  /** Admissions in the last minute, as the admission job last observed them. */
  observedAdmissionsPerMinute: number | null;
}

/**
 * A change of settings: an absent key keeps the stored value; null for max_active or
 * admit_per_minute clears the override (back to the environment's value).
 */
export interface QueueSettingsPatch {
  maxActive?: number | null;
  admitPerMinute?: number | null;
  paused?: boolean;
}

/** The single queue_settings row, shared by every instance. */
export abstract class QueueSettingsRepository {
  abstract load(): Promise<StoredQueueSettings>;
  abstract update(patch: QueueSettingsPatch, now: Date): Promise<void>;
  abstract recordObservedRate(admissionsPerMinute: number, now: Date): Promise<void>;
}
