import { Injectable, PipeTransform } from '@nestjs/common';
import { InvalidRequestError } from '../../domain/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user id in the path: a UUID, or a 400 that names the parameter. */
@Injectable()
export class UuidPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new InvalidRequestError(`${this.name} must be a UUID`);
    }
    return value.toLowerCase();
  }
}
