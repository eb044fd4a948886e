import { QueueSettingsOverrides } from '../../../domain/admission-policy';
import { ZoneMark } from '../../../domain/waiting-line';

/** One read of everything a waiting token's poll depends on, taken in one statement. */
export interface StoredLineSnapshot {
  head: number | null;
  tail: number | null;
  overrides: QueueSettingsOverrides;
  observedAdmissionsPerMinute: number | null;
  /** Expiry times of the active tokens, soonest first, at most ACTIVE_EXPIRIES_READ. */
  activeExpiries: Date[];
  zone: ZoneMark[];
}

export abstract class LineSnapshotRepository {
  /** Index probes and one settings row: its cost does not grow with the line. */
  abstract read(now: Date): Promise<StoredLineSnapshot>;
}
