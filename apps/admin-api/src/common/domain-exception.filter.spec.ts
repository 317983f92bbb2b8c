import { ArgumentsHost, BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import pino from 'pino';
import { DomainExceptionFilter, ErrorBody, statusOf } from './domain-exception.filter';
import { conflict, forbidden, invalid, notFound, RequestValidationError, tooManyRequests, unauthorized } from './errors';

function run(exception: unknown) {
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) });
  const sent: { status?: number; headers?: Record<string, string>; body?: ErrorBody } = {};
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    set(headers: Record<string, string>) {
      sent.headers = headers;
      return this;
    },
    json(body: ErrorBody) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new DomainExceptionFilter(logger).catch(exception, host);
  return { ...sent, logged };
}

describe('DomainExceptionFilter', () => {
  it('maps each domain error kind to its status, with {statusCode, error, message}', () => {
    expect(run(notFound('User', 'u1')).body).toEqual({ statusCode: 404, error: 'Not Found', message: 'User u1 does not exist' });
    expect(run(forbidden('no')).status).toBe(403);
    expect(run(conflict('dup')).status).toBe(409);
    expect(run(invalid('x: bad')).status).toBe(400);
    expect(run(unauthorized()).status).toBe(401);
    const throttled = run(tooManyRequests('slow down', 42.2));
    expect(throttled.status).toBe(429);
    expect(throttled.headers).toEqual({ 'retry-after': '43' });
    expect(statusOf('conflict')).toEqual([409, 'Conflict']);
  });

  it('passes framework HTTP errors through with their messages and reason phrases', () => {
    expect(run(new BadRequestException(['name must be a string'])).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['name must be a string'],
      errors: [],
    });
    expect(run(new PayloadTooLargeException()).body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('names the field machine-readably: {message, errors: [{field, code}]}', () => {
    expect(run(invalid('departmentId: department x does not exist')).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'departmentId: department x does not exist',
      errors: [{ field: 'departmentId', code: 'invalid' }],
    });
    expect(run(invalid('newPassword: too easy to guess', 'weak_password')).body?.errors).toEqual([{ field: 'newPassword', code: 'weak_password' }]);
    expect(run(forbidden('password: use POST /api/auth/password', 'use_password_change')).body?.errors).toEqual([
      { field: 'password', code: 'use_password_change' },
    ]);
    expect(run(invalid('Give at least one limit')).body?.errors).toEqual([]); // a 400 always has the list
    expect(
      run(new RequestValidationError(['priceTiers.0.property bonus should not exist'], [{ field: 'priceTiers.0.bonus', code: 'whitelistValidation' }])).body,
    ).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['priceTiers.0.property bonus should not exist'],
      errors: [{ field: 'priceTiers.0.bonus', code: 'whitelistValidation' }],
    });
    expect(run(notFound('User', 'u1')).body).not.toHaveProperty('errors');
  });

  it('maps constraint violations that raced past a service check', () => {
    expect(run(Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'users_email_key' })).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'Already exists (users_email_key)',
    });
  });

  it('answers anything else with a 500 that carries an error id, logs it with the stack, and leaks nothing', () => {
    const result = run(new Error('connect ECONNREFUSED postgres://tollgate:hunter2@db/tollgate'));
    expect(result.status).toBe(500);
    expect(result.body?.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.body?.message).toContain(result.body?.errorId);
    expect(JSON.stringify(result.body)).not.toMatch(/hunter2|ECONNREFUSED|at /);
    expect(result.logged[0]).toMatchObject({ errorId: result.body?.errorId, err: { message: expect.stringContaining('ECONNREFUSED') } });
    expect((result.logged[0].err as { stack: string }).stack).toContain('domain-exception.filter.spec');
  });
});
