import { readUsage, TokenUsage } from '../../usage';
import { ApiDialect, badField, DialectError, ParsedRequest, StreamRelay, TokenCounter } from '../dialect';
import { extractUsageObject } from '../json-usage';
import { openAiErrorBody } from '../openai-errors';
import { checkObject, checkStream, countInput, positiveInteger } from '../request-checks';
import { ChatStreamTap, withUsageChunk } from '../chat-completions/chat-completions.dialect';

/** Legacy OpenAI completions (`prompt`), forwarded where the provider serves it. */
export class CompletionsDialect implements ApiDialect {
  readonly name = 'completions' as const;
  readonly forwardedHeaders: readonly string[] = [];

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const prompt = body.prompt;
    const ok = typeof prompt === 'string' || (Array.isArray(prompt) && prompt.length > 0);
    if (!ok) throw badField('prompt', '`prompt` must be a string or a non-empty array.');
    const stream = checkStream(body);
    checkObject(body, 'stream_options');
    return {
      body,
      model: body.model as string,
      stream,
      promptTokens: countInput(prompt, countTokens),
      maxOutputTokens: positiveInteger(body, 'max_tokens') ?? 16,
    };
  }

  nativeBody(request: ParsedRequest): Record<string, unknown> {
    return request.stream ? withUsageChunk(request.body) : request.body;
  }

  errorBody(error: DialectError): string {
    return openAiErrorBody(error);
  }

  usageFromJson(payload: Buffer): TokenUsage | null {
    return readUsage(extractUsageObject(payload));
  }

  streamTap(request: ParsedRequest): StreamRelay {
    const options = request.body.stream_options as { include_usage?: unknown } | undefined | null;
    return new ChatStreamTap(options?.include_usage !== true);
  }
}
