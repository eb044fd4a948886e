import { InvalidRequestError } from '@app/common/domain/domain-error';

export const MAX_CONCERT_NAME_LENGTH = 200;

/** The admin's rules for a new concert's name (the HTTP layer checks them first too). */
export function assertValidConcertName(name: string): void {
  if (name.trim() === '') throw new InvalidRequestError('name must not be blank');
  if (name.length > MAX_CONCERT_NAME_LENGTH) {
    throw new InvalidRequestError(
      `name must be at most ${MAX_CONCERT_NAME_LENGTH} characters long`,
    );
  }
}
