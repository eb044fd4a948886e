import { NotFoundError } from '@app/common/domain/domain-error';

export class ConcertNotFoundError extends NotFoundError {
  constructor() {
    super('Concert not found');
  }
}

/** The contract calls a performance a "concert date". */
export class PerformanceNotFoundError extends NotFoundError {
  constructor() {
    super('Concert date not found');
  }
}
