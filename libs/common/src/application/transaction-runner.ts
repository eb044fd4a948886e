/**
 * The unit of work of a use case: everything the repositories do inside `run` commits or
 * rolls back together. Implemented with @nestjs-cls/transactional, so repositories join the
 * ambient transaction without anyone passing an entity manager around.
 */
export abstract class TransactionRunner {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}
