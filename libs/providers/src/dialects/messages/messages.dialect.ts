import type { TokenUsage } from '../../usage';
import { ApiDialect, badField, ChatTranslation, DialectError, ParsedRequest, StreamRelay, TokenCounter } from '../dialect';
import { extractUsageObject } from '../json-usage';
import { countContent, checkStream, positiveInteger } from '../request-checks';
import { anthropicErrorBody } from './messages-errors';
import { MessagesStreamTap } from './messages-stream-tap';
import { MessagesTranslation } from './messages-translation';
import { readAnthropicUsage } from './messages-usage';

const ROLES = new Set(['user', 'assistant']);

/**
 * Anthropic Messages (`POST /v1/messages`, Claude Code, the Anthropic SDKs). Native where the
 * provider serves it (body passed through untouched, beta fields included, `anthropic-version`
 * and `anthropic-beta` forwarded), else translated to chat completions.
 */
export class MessagesDialect implements ApiDialect {
  readonly name = 'messages' as const;
  readonly forwardedHeaders: readonly string[] = ['anthropic-version', 'anthropic-beta'];
  readonly translation: ChatTranslation = new MessagesTranslation();

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw badField('messages', '`messages` must be a non-empty array.');
    let promptTokens = 3;
    messages.forEach((message, i) => {
      const record = message as { role?: unknown; content?: unknown } | null;
      if (typeof record !== 'object' || record === null || !ROLES.has(record.role as string)) {
        throw badField(`messages[${i}].role`, `\`messages[${i}].role\` must be "user" or "assistant".`);
      }
      if (typeof record.content !== 'string' && !Array.isArray(record.content)) {
        throw badField(`messages[${i}].content`, `\`messages[${i}].content\` must be a string or an array of content blocks.`);
      }
      promptTokens += 4 + countBlocks(record.content, countTokens);
    });
    const system = body.system;
    if (system !== undefined && system !== null && typeof system !== 'string' && !Array.isArray(system)) {
      throw badField('system', '`system` must be a string or an array of text blocks.');
    }
    promptTokens += countContent(system, countTokens);
    if (body.tools !== undefined && body.tools !== null) {
      if (!Array.isArray(body.tools)) throw badField('tools', '`tools` must be an array.');
      promptTokens += countTokens(JSON.stringify(body.tools));
    }
    const maxTokens = positiveInteger(body, 'max_tokens');
    if (maxTokens === undefined) throw badField('max_tokens', '`max_tokens` is required and must be a positive integer.');
    return { body, model: body.model as string, stream: checkStream(body), promptTokens, maxOutputTokens: maxTokens };
  }

  nativeBody(request: ParsedRequest): Record<string, unknown> {
    return request.body;
  }

  errorBody(error: DialectError): string {
    return anthropicErrorBody(error);
  }

  usageFromJson(payload: Buffer): TokenUsage | null {
    return readAnthropicUsage(extractUsageObject(payload));
  }

  streamTap(): StreamRelay {
    return new MessagesStreamTap();
  }
}

/** Tokens of Messages content: text, tool inputs and tool results (images are not estimated). */
function countBlocks(content: unknown, count: TokenCounter): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const block of content as Array<Record<string, unknown> | null>) {
    if (!block) continue;
    if (typeof block.text === 'string') total += count(block.text);
    else if (typeof block.thinking === 'string') total += count(block.thinking);
    else if (block.type === 'tool_use') total += count(JSON.stringify(block.input ?? {}));
    else if (block.type === 'tool_result') total += countBlocks(block.content, count);
  }
  return total;
}
