import { openAiErrorBody } from '@app/providers';

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
    return openAiErrorBody(this);
  }
}

export const invalidRequest = (message: string, param: string | null = null) => new GatewayError(400, 'invalid_request', message, param);
