import { readUsage, TokenUsage } from '../../usage';
import { ApiDialect, badField, DialectError, ParsedRequest, StreamRelay, TokenCounter } from '../dialect';
import { extractUsageObject } from '../json-usage';
import { openAiErrorBody } from '../openai-errors';
import { countInput } from '../request-checks';
import { ChatStreamTap } from '../chat-completions/openai-usage-dialect';

/** OpenAI embeddings: native everywhere, never streamed. */
export class EmbeddingsDialect implements ApiDialect {
  readonly name = 'embeddings' as const;
  readonly forwardedHeaders: readonly string[] = [];

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const input = body.input;
    const ok = typeof input === 'string' ? input.length > 0 : Array.isArray(input) && input.length > 0;
    if (!ok) throw badField('input', '`input` must be a non-empty string or array.');
    return { body, model: body.model as string, stream: false, promptTokens: countInput(input, countTokens), maxOutputTokens: 0 };
  }

  nativeBody(request: ParsedRequest): Record<string, unknown> {
    return request.body;
  }

  errorBody(error: DialectError): string {
    return openAiErrorBody(error);
  }

  usageFromJson(payload: Buffer): TokenUsage | null {
    return readUsage(extractUsageObject(payload));
  }

  streamTap(): StreamRelay {
    return new ChatStreamTap(false);
  }
}
