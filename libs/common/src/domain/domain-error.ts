/**
 * Errors the domain raises. Each kind maps to one HTTP status in the exception filter, so
 * controllers never translate errors themselves; the message is the contract's exact text.
 */
export type DomainErrorKind =
  'INVALID' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is well-formed but the domain refuses it. */
export class InvalidRequestError extends DomainError {
  readonly kind = 'INVALID' as const;
}

/** 401: no or a bad credential. */
export class UnauthorizedError extends DomainError {
  readonly kind = 'UNAUTHORIZED' as const;
}

/** 403: the credential is good but not allowed to do this (yet). */
export class ForbiddenError extends DomainError {
  readonly kind = 'FORBIDDEN' as const;
}

/** 404: the addressed resource does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'NOT_FOUND' as const;
}

/** 409: someone else got there first. */
export class ConflictError extends DomainError {
  readonly kind = 'CONFLICT' as const;
}

/** 503: a dependency (the database) is not answering. */
export class UnavailableError extends DomainError {
  readonly kind = 'UNAVAILABLE' as const;
}
