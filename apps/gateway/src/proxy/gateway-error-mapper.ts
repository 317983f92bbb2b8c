import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { Logger } from 'pino';
import { QuotaExceededError, QuotaUnavailableError } from '@app/usage';
import { GatewayError, GatewayErrorCode } from './gateway-error';

const UNKNOWN_ROUTE =
  'Unknown route. The gateway serves /v1/chat/completions, /v1/embeddings, /v1/completions, /v1/messages, /v1/responses, /v1/models and the audio, images, moderations and rerank routes.';

/**
 * The request id of a response: the one already given (the usage event's id on model routes),
 * else a new one, set on the response so the client can quote it.
 */
export function requestIdOf(res: ServerResponse): string {
  const given = res.getHeader('x-request-id');
  if (typeof given === 'string') return given;
  const id = randomUUID();
  if (!res.headersSent) res.setHeader('x-request-id', id);
  return id;
}

/**
 * The one place any failure becomes what the client sees: gateway errors as they are, quota
 * refusals with their retry headers, framework errors (unknown route, wrong method, too large)
 * by status, anything else a 500 that names the request id — the same id as the `x-request-id`
 * header, the usage event and the error log line, so a support ticket finds all three.
 */
export function toGatewayError(error: unknown, requestId: string, logger: Logger): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof QuotaExceededError) {
    const headers: Record<string, string> = { 'retry-after': String(error.retryAfterSeconds) };
    if (error.retryAfterSeconds > 60) headers['x-should-retry'] = 'false';
    return new GatewayError(429, 'quota_exceeded', error.message, null, headers);
  }
  if (error instanceof QuotaUnavailableError) {
    return new GatewayError(503, 'service_unavailable', 'Quotas cannot be checked right now; try again shortly.', null, { 'retry-after': '5' });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code: GatewayErrorCode = status === 413 ? 'request_too_large' : status < 500 ? 'invalid_request' : 'internal_error';
    return new GatewayError(status, code, status === 404 ? UNKNOWN_ROUTE : error.message);
  }
  const cause = error instanceof Error ? error : undefined;
  logger.error({ requestId, err: cause?.message ?? String(error), stack: cause?.stack }, 'unexpected gateway error');
  return new GatewayError(500, 'internal_error', `Internal error (request ${requestId}).`);
}
