import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { checkMoneyInput, moneyInputError, MoneyRules } from '../../domain/money-input';

export const IS_MONEY = 'isMoney';

/**
 * The validation of every money field of a request body (`amount`, `balance`, `price`): one
 * check that never throws and answers exactly one message naming the field (`<field> must be
 * a number`, `<field> must have at most 2 decimal places`, or the range). It also decides
 * presence: a required field that is absent gets `<field> is required`, an optional one may
 * be absent, and null is never a number. Use it alone, without IsDefined/IsOptional/IsNumber.
 */
export function IsMoney(rules: MoneyRules, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_MONEY,
      constraints: [rules],
      validator: {
        validate: (value: unknown) => checkMoneyInput(value, rules).ok,
        defaultMessage: (args?: ValidationArguments) =>
          moneyInputError(args?.property ?? 'value', args?.value, rules) ?? '',
      },
    },
    options,
  );
}
