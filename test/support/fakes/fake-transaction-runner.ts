import { TransactionRunner } from '@app/common/application/transaction-runner';

/**
 * The one fake TransactionRunner of the unit tests. It counts its runs, knows whether a run is
 * under way (`active`), and rolls back like the database would: `snapshot` is called as a run
 * starts and returns the function that puts the state back, called when the work throws.
 */
export class FakeTransactionRunner extends TransactionRunner {
  runs = 0;
  active = false;

  constructor(private readonly snapshot: () => () => void = () => () => undefined) {
    super();
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.runs += 1;
    const restore = this.snapshot();
    this.active = true;
    try {
      return await work();
    } catch (error) {
      restore();
      throw error;
    } finally {
      this.active = false;
    }
  }
}
