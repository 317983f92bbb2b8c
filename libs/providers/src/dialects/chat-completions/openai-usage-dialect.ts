import { SseUsageTap } from '../../streaming/sse-usage-tap';
import { readUsage, TokenUsage } from '../../usage';
import { ApiDialect, DialectError, ParsedRequest, StreamRelay, TokenCounter } from '../dialect';
import { extractUsageObject } from '../json-usage';
import { openAiErrorBody } from '../openai-errors';

/**
 * What chat completions and legacy completions share: OpenAI's error envelope, `usage` in the
 * JSON answer, and in streams the usage chunk the gateway asks for (`stream_options.include_usage`)
 * and hides from a client that did not ask for it. A dialect adds only how its body is checked.
 */
export abstract class OpenAiUsageDialect implements ApiDialect {
  abstract readonly name: 'chat.completions' | 'completions';
  readonly forwardedHeaders: readonly string[] = [];

  abstract parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest;

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
