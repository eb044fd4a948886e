/**
 * The signal that the line moved (an admission tick admitted or dropped someone, or the
 * settings changed), so that every instance re-reads its line snapshot at once instead of at
 * its next tick.
 */
export abstract class LineChanges {
  /** Inside the current transaction: every instance hears it when the transaction commits. */
  abstract announce(): Promise<void>;
  /** `listener` runs whenever any instance (this one included) announced a change. */
  abstract subscribe(listener: () => void): void;
}
