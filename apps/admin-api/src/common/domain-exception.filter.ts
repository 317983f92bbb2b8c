import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '@app/core';
import { DomainError, DomainErrorKind } from './errors';

const STATUS: Record<DomainErrorKind, [number, string]> = {
  not_found: [404, 'Not Found'],
  forbidden: [403, 'Forbidden'],
  conflict: [409, 'Conflict'],
  invalid: [400, 'Bad Request'],
  unauthorized: [401, 'Unauthorized'],
  too_many_requests: [429, 'Too Many Requests'],
};

/**
 * The admin API's one error mapping: domain errors by kind, framework HTTP errors (validation,
 * unknown routes) as they are, unique-constraint violations as 409, anything else as a 500 with
 * a logged error id — never a stack trace or a secret.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, error, message, headers } = this.describe(exception);
    if (res.headersSent) return void res.end();
    res.status(status).set(headers).json({ statusCode: status, error, message });
  }

  private describe(exception: unknown): { status: number; error: string; message: string | string[]; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      const [status, error] = STATUS[exception.kind];
      return { status, error, message: exception.message, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse() as { message?: string | string[]; error?: string } | string;
      const message = typeof body === 'string' ? body : (body.message ?? exception.message);
      return { status: exception.getStatus(), error: typeof body === 'string' ? exception.name : (body.error ?? exception.name), message, headers: {} };
    }
    const pg = exception as { code?: string; detail?: string; constraint?: string };
    if (pg?.code === '23505') return { status: 409, error: 'Conflict', message: `Already exists (${pg.constraint ?? 'unique'})`, headers: {} };
    if (pg?.code === '23503') return { status: 400, error: 'Bad Request', message: 'A referenced record does not exist', headers: {} };
    if (pg?.code === '22P02') return { status: 400, error: 'Bad Request', message: 'Malformed identifier', headers: {} };
    const errorId = Math.random().toString(36).slice(2, 10);
    this.logger.error({ errorId, err: (exception as Error)?.message, stack: (exception as Error)?.stack }, 'unexpected admin API error');
    return { status: 500, error: 'Internal Server Error', message: `Internal error (id ${errorId})`, headers: {} };
  }
}
