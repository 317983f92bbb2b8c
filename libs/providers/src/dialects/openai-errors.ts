import type { DialectError } from './dialect';

const TYPES: Record<string, string> = {
  invalid_api_key: 'invalid_request_error',
  model_not_found: 'invalid_request_error',
  model_not_allowed: 'permission_error',
  invalid_request: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  quota_exceeded: 'rate_limit_error',
  client_closed_request: 'api_error',
};

/** OpenAI's error envelope `{"error":{"message","type","param","code"}}`; the type follows from the code, else from the status. */
export function openAiErrorBody(error: DialectError): string {
  const type = TYPES[error.code] ?? (error.status < 500 ? 'invalid_request_error' : 'api_error');
  return JSON.stringify({ error: { message: error.message, type, param: error.param, code: error.code } });
}
