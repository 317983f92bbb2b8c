import type { TokenUsage } from '../../usage';
import type { ApiDialect, ChatTranslation, DialectError, ParsedRequest, StreamRelay, TokenCounter } from '../dialect';
import { extractUsageObject } from '../json-usage';
import { openAiErrorBody } from '../openai-errors';
import { checkResponsesBody, estimateResponsesPromptTokens } from './responses-request';
import { ResponsesStreamTap } from './responses-stream-tap';
import { ResponsesTranslation } from './responses-translation';
import { readResponsesUsage } from './responses-usage';

/**
 * OpenAI Responses (`POST /v1/responses`: Codex CLI, the Agents SDK, the Vercel AI SDK). Native
 * where the provider serves it (DashScope; `openai` kind with `options.responsesApi: native`):
 * the body passes through untouched, usage is read from `response.completed`. Else translated
 * to chat completions (Huawei MaaS, `openai` kind by default), see `responses-to-chat.ts`.
 */
export class ResponsesDialect implements ApiDialect {
  readonly name = 'responses' as const;
  readonly forwardedHeaders: readonly string[] = [];
  readonly translation: ChatTranslation = new ResponsesTranslation();

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const checked = checkResponsesBody(body);
    return {
      body,
      model: checked.model,
      stream: checked.stream === true,
      promptTokens: estimateResponsesPromptTokens(checked, countTokens),
      maxOutputTokens: checked.max_output_tokens ?? undefined,
    };
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
