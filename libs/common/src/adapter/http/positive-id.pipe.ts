import { Injectable, PipeTransform } from '@nestjs/common';
import { InvalidRequestError } from '../../domain/domain-error';

/** Largest id we accept: PostgreSQL's bigint, kept within a JSON-safe integer. */
const MAX_ID = Number.MAX_SAFE_INTEGER;

/**
 * A path or query id: a positive integer, answered with a 400 that names the parameter
 * otherwise (missing, "abc", "0", "-1", "1.5", or too large for the database).
 */
@Injectable()
export class PositiveIdPipe implements PipeTransform<unknown, number> {
  constructor(private readonly name: string) {}

  transform(value: unknown): number {
    // The global ValidationPipe has already turned a `number`-typed param into +value
    // ("abc" -> NaN, "1.5" -> 1.5), so a number is judged as such.
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && value >= 1) return value;
      throw new InvalidRequestError(`${this.name} must be a positive integer`);
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidRequestError(`${this.name} is required`);
    }
    if (!/^\d{1,16}$/.test(value) || Number(value) < 1 || Number(value) > MAX_ID) {
      throw new InvalidRequestError(`${this.name} must be a positive integer`);
    }
    return Number(value);
  }
}
