import { Injectable, PipeTransform } from '@nestjs/common';
import { InvalidRequestError } from '../../domain/domain-error';

/** Largest id we accept: PostgreSQL's bigint, kept within a JSON-safe integer. */
const MAX_ID = Number.MAX_SAFE_INTEGER;

/**
 * A path or query id: a positive integer, answered with a 400 that names the parameter
 * otherwise (missing, "abc", "0", "-1", "1.5", "1e3", "0x10", or too large for the database).
 * It needs the text as it arrived: the global pipe leaves path and query primitives alone.
 */
@Injectable()
export class PositiveIdPipe implements PipeTransform<unknown, number> {
  constructor(private readonly name: string) {}

  transform(value: unknown): number {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidRequestError(`${this.name} is required`);
    }
    if (!/^\d{1,16}$/.test(value) || Number(value) < 1 || Number(value) > MAX_ID) {
      throw new InvalidRequestError(`${this.name} must be a positive integer`);
    }
    return Number(value);
  }
}
