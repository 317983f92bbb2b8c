import { SseUsageTap } from '../../streaming/sse-usage-tap';
import { readUsage, TokenUsage } from '../../usage';
import { ApiDialect, badField, DialectError, ParsedRequest, StreamRelay, TokenCounter } from '../dialect';
import { extractUsageObject } from '../json-usage';
import { openAiErrorBody } from '../openai-errors';
import { checkObject, checkStream, countMessages, positiveInteger } from '../request-checks';

/**
 * OpenAI chat completions: served natively by every provider kind, and the target every other
 * dialect translates to. The gateway asks for the usage chunk (`stream_options.include_usage`)
 * and hides it from a client that did not ask for it.
 */
export class ChatCompletionsDialect implements ApiDialect {
  readonly name = 'chat.completions' as const;
  readonly forwardedHeaders: readonly string[] = [];

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw badField('messages', '`messages` must be a non-empty array.');
    messages.forEach((message, i) => {
      if (typeof message !== 'object' || message === null || typeof (message as { role?: unknown }).role !== 'string') {
        throw badField(`messages[${i}]`, `\`messages[${i}]\` must be an object with a string \`role\`.`);
      }
    });
    const stream = checkStream(body);
    const maxTokens = positiveInteger(body, 'max_tokens');
    const maxCompletionTokens = positiveInteger(body, 'max_completion_tokens');
    checkObject(body, 'stream_options');
    return {
      body,
      model: body.model as string,
      stream,
      promptTokens: countMessages(messages, countTokens),
      maxOutputTokens: maxCompletionTokens ?? maxTokens,
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

/** Asks the provider for the final usage chunk (a shallow copy: the client's body is left as it came). */
export function withUsageChunk(body: Record<string, unknown>): Record<string, unknown> {
  const options = (body.stream_options as Record<string, unknown> | undefined | null) ?? {};
  return { ...body, stream_options: { ...options, include_usage: true } };
}

/** The chat SSE tap, telling a gateway-side failure as an OpenAI-style `data: {"error":…}` event. */
export class ChatStreamTap extends SseUsageTap implements StreamRelay {
  errorEvent(error: DialectError): string {
    return `data: ${openAiErrorBody(error)}\n\n`;
  }
}
