import { QueueSettingsOverrides } from '../../../domain/admission-policy';
import { LineShape, ZoneMark } from '../../../domain/waiting-line';
import { StoredOpening } from './queue-settings.repository';

/** One read of everything a waiting token's poll depends on, taken in one statement. */
export interface StoredLineSnapshot extends LineShape {
  tail: number | null;
  opensAt: Date | null;
  generation: number;
  overrides: QueueSettingsOverrides;
  /** Expiry times of the active tokens, soonest first, at most ACTIVE_EXPIRIES_READ. */
  activeExpiries: Date[];
  /** How long active sessions lasted lately, on average; null before any ended. */
  meanSessionSeconds: number | null;
  zone: ZoneMark[];
  /** The last opening, while its key is kept (null: none). */
  opening: StoredOpening | null;
}

export abstract class LineSnapshotRepository {
  /** Index probes and one settings row: its cost does not grow with the line. */
  abstract read(now: Date): Promise<StoredLineSnapshot>;
}
