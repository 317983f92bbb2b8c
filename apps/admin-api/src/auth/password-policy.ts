import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;
/** zxcvbn's score, 0-4: 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
const MIN_PASSWORD_SCORE = 3;
/** The machine-readable code of a refused password (`errors[].code`). */
export const WEAK_PASSWORD = 'weak_password';

let estimator: ZxcvbnFactory | undefined;

/** Built on first use: the dictionaries take a moment to load and most processes never need them. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

/**
 * The one password policy (CONTRACT "Operations"): at least 12 characters and a zxcvbn score of
 * at least 3 against the common and English dictionaries, the keyboard graphs and the user's own
 * email and name. Returns why a password is refused, or null when it is good enough. Applies to
 * every way a password is set: a new user, a password change, the CLI and ADMIN_PASSWORD.
 */
export function passwordWeakness(password: string, userInputs: ReadonlyArray<string | null | undefined> = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const inputs = userInputs.filter((input): input is string => Boolean(input)).flatMap((input) => [input, ...input.split(/[@.\s_-]+/)]);
  const result = zxcvbn().check(password, inputs);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const hint = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess (strength ${result.score} of 4, at least ${MIN_PASSWORD_SCORE} needed)${hint ? `: ${hint}` : ''}`;
}

/**
 * `@IsStrongPassword()` on a DTO field: refuses a weak password with the code `weak_password`,
 * naming the field. The object's own `email` and `name`, when it has them, count as guessable.
 */
export function IsStrongPassword(options?: ValidationOptions): PropertyDecorator {
  const reasonFor = (args: ValidationArguments): string | null => {
    if (typeof args.value !== 'string') return 'must be a string';
    const object = args.object as { email?: unknown; name?: unknown };
    return passwordWeakness(args.value, [typeof object.email === 'string' ? object.email : null, typeof object.name === 'string' ? object.name : null]);
  };
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: WEAK_PASSWORD,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => reasonFor(args) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${reasonFor(args) ?? 'is refused'}`,
      },
    });
  };
}
