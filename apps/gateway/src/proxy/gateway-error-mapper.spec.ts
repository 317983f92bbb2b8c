import { PayloadTooLargeException } from '@nestjs/common';
import pino from 'pino';
import { QuotaExceededError } from '@app/usage';
import { GatewayError } from './gateway-error';
import { toGatewayError } from './gateway-error-mapper';

function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('toGatewayError: one mapping from a failure to what the client sees', () => {
  it('names the request id in an unexpected error, the same id it logs, with no stack for the client', () => {
    const { logger, lines } = capturingLogger();
    const error = toGatewayError(new TypeError('cannot read properties of undefined'), 'req-123', logger);
    expect(error.status).toBe(500);
    expect(error.message).toBe('Internal error (request req-123).');
    expect(error.body()).not.toContain('cannot read');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ requestId: 'req-123', err: 'cannot read properties of undefined', msg: 'unexpected gateway error' });
  });

  it('keeps a gateway error as it is and logs nothing', () => {
    const { logger, lines } = capturingLogger();
    const original = new GatewayError(404, 'model_not_found', 'nope', 'model');
    expect(toGatewayError(original, 'r', logger)).toBe(original);
    expect(lines).toHaveLength(0);
  });

  it('answers a quota refusal with 429 and retry headers (no retry when the reset is far away)', () => {
    const { logger } = capturingLogger();
    const soon = toGatewayError(new QuotaExceededError('user', 'day', 'requests', '10', '10', 30), 'r', logger);
    expect(soon).toMatchObject({ status: 429, code: 'quota_exceeded', headers: { 'retry-after': '30' } });
    const far = toGatewayError(new QuotaExceededError('user', 'month', 'tokens', '10', '10', 86_400), 'r', logger);
    expect(far.headers).toEqual({ 'retry-after': '86400', 'x-should-retry': 'false' });
  });

  it('maps framework errors by status', () => {
    const { logger } = capturingLogger();
    expect(toGatewayError(new PayloadTooLargeException(), 'r', logger)).toMatchObject({ status: 413, code: 'request_too_large' });
  });
});
