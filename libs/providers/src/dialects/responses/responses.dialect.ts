import type { TokenUsage } from '../../usage';
import { ApiDialect, badField, ChatTranslation, DialectError, ParsedRequest, StreamRelay, TokenCounter } from '../dialect';
import { extractUsageObject } from '../json-usage';
import { openAiErrorBody } from '../openai-errors';
import { checkStream, countInput, positiveInteger } from '../request-checks';
import { ResponsesStreamTap } from './responses-stream-tap';
import { ResponsesTranslation } from './responses-translation';
import { readResponsesUsage } from './responses-usage';

/**
 * OpenAI Responses (`POST /v1/responses`: Codex CLI, the Agents SDK, the Vercel AI SDK). Native
 * where the provider serves it (DashScope; `openai` kind with `options.responsesApi: native`),
 * else translated to chat completions (Huawei MaaS, `openai` kind by default).
 *
 * TODO(responses): complete validation of `input` items, refuse `previous_response_id` /
 * `background` / server-side tools with a 400 naming the field, estimate from input items.
 */
export class ResponsesDialect implements ApiDialect {
  readonly name = 'responses' as const;
  readonly forwardedHeaders: readonly string[] = [];
  readonly translation: ChatTranslation = new ResponsesTranslation();

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const input = body.input;
    if (typeof input !== 'string' && !Array.isArray(input)) throw badField('input', '`input` must be a string or an array of input items.');
    const instructions = typeof body.instructions === 'string' ? countTokens(body.instructions) : 0;
    const promptTokens = instructions + (typeof input === 'string' ? countInput(input, countTokens) : countTokens(JSON.stringify(input)));
    return { body, model: body.model as string, stream: checkStream(body), promptTokens, maxOutputTokens: positiveInteger(body, 'max_output_tokens') };
  }

  nativeBody(request: ParsedRequest): Record<string, unknown> {
    return request.body;
  }

  errorBody(error: DialectError): string {
    return openAiErrorBody(error);
  }

  usageFromJson(payload: Buffer): TokenUsage | null {
    return readResponsesUsage(extractUsageObject(payload));
  }

  streamTap(): StreamRelay {
    return new ResponsesStreamTap();
  }
}
