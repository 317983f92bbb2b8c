/** Error codes the gateway itself answers with (CONTRACT.md, "Gateway"). */
export type GatewayErrorCode =
  | 'invalid_api_key'
  | 'model_not_found'
  | 'model_not_allowed'
  | 'invalid_request'
  | 'request_too_large'
  | 'quota_exceeded'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'service_unavailable'
  | 'client_closed_request'
  | 'internal_error';

const TYPES: Record<GatewayErrorCode, string> = {
  invalid_api_key: 'invalid_request_error',
  model_not_found: 'invalid_request_error',
  model_not_allowed: 'permission_error',
  invalid_request: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  quota_exceeded: 'rate_limit_error',
  upstream_unavailable: 'api_error',
  upstream_timeout: 'api_error',
  service_unavailable: 'api_error',
  client_closed_request: 'api_error',
  internal_error: 'api_error',
};

/** A refusal or failure the gateway answers in OpenAI's error envelope. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): string {
    return JSON.stringify({ error: { message: this.message, type: TYPES[this.code], param: this.param, code: this.code } });
  }
}

export const invalidRequest = (message: string, param: string | null = null) => new GatewayError(400, 'invalid_request', message, param);
