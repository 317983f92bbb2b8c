import type { DialectError } from '../dialect';

const TYPES_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

function anthropicErrorType(status: number): string {
  return TYPES_BY_STATUS[status] ?? (status < 500 ? 'invalid_request_error' : 'api_error');
}

/** Anthropic's error object `{"type":"error","error":{"type","message"}}`. */
export function anthropicError(status: number, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(status), message } };
}

export function anthropicErrorBody(error: DialectError): string {
  return JSON.stringify(anthropicError(error.status, error.message));
}

/** A provider's OpenAI-style error (`error.message`, Huawei `error_msg`) in Anthropic's shape. */
export function anthropicErrorFromChat(status: number, body: unknown): string {
  const record = (body ?? {}) as { error?: { message?: unknown } | string | null; error_msg?: unknown; message?: unknown };
  const nested = typeof record.error === 'object' && record.error !== null ? record.error.message : record.error;
  const message = [nested, record.error_msg, record.message].find((m): m is string => typeof m === 'string');
  return JSON.stringify(anthropicError(status, message ?? `The provider answered ${status}.`));
}
