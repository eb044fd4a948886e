import { ValueTransformer } from 'typeorm';
import { Money } from '../../domain/money';

/** bigint ids arrive from pg as strings; ours stay far below 2^53, so they are numbers here. */
export const bigintId: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** numeric money columns travel as decimal strings both ways, never as floats. */
export const moneyColumn: ValueTransformer = {
  to: (value: Money | null | undefined) => (value == null ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : Money.parse(value)),
};
