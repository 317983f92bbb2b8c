import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '@app/core';
import { DomainError, DomainErrorKind, FieldError, RequestValidationError } from './errors';

/**
 * The JSON body of every admin API error. `errors` names the fields a 400 (or a 403/409 about one
 * field) is about, machine-readably, so the console can show and translate it beside the field.
 */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  errors?: FieldError[];
  errorId?: string;
}

interface Described {
  body: ErrorBody;
  headers: Record<string, string>;
}

/** Exhaustive: a new kind that is not mapped here fails to compile. */
export function statusOf(kind: DomainErrorKind): [number, string] {
  switch (kind) {
    case 'invalid':
      return [400, 'Bad Request'];
    case 'unauthorized':
      return [401, 'Unauthorized'];
    case 'forbidden':
      return [403, 'Forbidden'];
    case 'not_found':
      return [404, 'Not Found'];
    case 'conflict':
      return [409, 'Conflict'];
    case 'too_many_requests':
      return [429, 'Too Many Requests'];
    default:
      return assertNever(kind);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped domain error kind ${String(value)}`);
}

/** PostgreSQL errors a request can cause (a race past a service's own check), by SQLSTATE. */
const PG_ERRORS: Record<string, [number, string, string]> = {
  '23505': [409, 'Conflict', 'Already exists'],
  '23503': [400, 'Bad Request', 'A referenced record does not exist'],
  '23514': [400, 'Bad Request', 'A value is out of range'],
  '22P02': [400, 'Bad Request', 'Malformed value'],
  '22007': [400, 'Bad Request', 'Malformed date or time'],
  '22008': [400, 'Bad Request', 'A date or time is out of range'],
  '22003': [400, 'Bad Request', 'A number is out of range'],
};

/**
 * The admin API's one error mapping: domain errors by kind, framework HTTP errors (validation,
 * unknown routes, malformed JSON) as they are, constraint violations as 409/400, anything else
 * as a 500 that logs an error id and returns it — never a stack trace or a secret.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { body, headers } = this.describe(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).set(headers).json(body);
  }

  private describe(exception: unknown): Described {
    if (exception instanceof DomainError) {
      const [statusCode, error] = statusOf(exception.kind);
      const message = exception instanceof RequestValidationError ? exception.messages : exception.message;
      const errors = exception.errors;
      return { body: { statusCode, error, message, ...(errors.length > 0 || statusCode === 400 ? { errors } : {}) }, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response: unknown = exception.getResponse(); // a string or an object, whatever a throw site passed
      const fields = typeof response === 'object' && response !== null ? (response as { message?: unknown; error?: unknown }) : {};
      const message = typeof fields.message === 'string' || Array.isArray(fields.message) ? (fields.message as string | string[]) : exception.message;
      const error = typeof fields.error === 'string' ? fields.error : (STATUS_CODES[statusCode] ?? exception.name);
      if (statusCode < 500) return { body: { statusCode, error, message, ...(statusCode === 400 ? { errors: [] } : {}) }, headers: {} };
    }
    const pg = typeof exception === 'object' && exception !== null ? (exception as { code?: unknown; constraint?: unknown }) : {};
    const known = typeof pg.code === 'string' ? PG_ERRORS[pg.code] : undefined;
    if (known) {
      const [statusCode, error, message] = known;
      const constraint = typeof pg.constraint === 'string' ? ` (${pg.constraint})` : '';
      return { body: { statusCode, error, message: `${message}${constraint}`, ...(statusCode === 400 ? { errors: [] } : {}) }, headers: {} };
    }
    const errorId = randomUUID();
    const err = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error({ errorId, err: { name: err.name, message: err.message, stack: err.stack } }, 'unexpected admin API error');
    return {
      body: { statusCode: 500, error: 'Internal Server Error', message: `Internal error; quote error id ${errorId} to your administrator`, errorId },
      headers: {},
    };
  }
}
