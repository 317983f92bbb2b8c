import { ValidationPipe } from '@nestjs/common';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { FieldError, RequestValidationError } from './errors';

/**
 * The admin API's one validation pipe (registered as `APP_PIPE`): unknown fields are refused,
 * values are transformed to their declared types, and a 400 names every bad field twice — as
 * sentences in `message` (as Nest words them) and as `{field, code}` pairs in `errors`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const messages: string[] = [];
      const fields: FieldError[] = [];
      collect(errors, '', messages, fields);
      return new RequestValidationError(messages, fields);
    },
  });
}

function collect(errors: ClassValidatorError[], parent: string, messages: string[], fields: FieldError[]): void {
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [code, message] of Object.entries(error.constraints ?? {})) {
      messages.push(parent ? `${parent}.${message}` : message);
      fields.push({ field, code });
    }
    if (error.children?.length) collect(error.children, field, messages, fields);
  }
}
