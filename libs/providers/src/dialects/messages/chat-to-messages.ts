import { SseEventSplitter, sseEvent } from '../../streaming/sse-events';
import { readUsage, TokenUsage } from '../../usage';
import type { ChatCompletionLike, DialectError, StreamRelay, TranslationContext } from '../dialect';
import { anthropicError } from './messages-errors';
import { wireText } from '../../wire-text';

const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

function stopReasonOf(finishReason: string | null | undefined): string | null {
  return finishReason ? (STOP_REASONS[finishReason] ?? 'end_turn') : null;
}

/** Normalised usage in Anthropic's fields (input excludes cache reads and writes). */
function anthropicUsageOf(usage: TokenUsage | null): Record<string, number> {
  const u = usage ?? { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 };
  return {
    input_tokens: Math.max(0, u.promptTokens - u.cachedTokens - u.cacheWriteTokens),
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedTokens,
    output_tokens: u.completionTokens,
  };
}

/** Reasoning text (`reasoning_content`) becomes thinking blocks only for a client that asked for thinking. */
function wantsThinking(context: TranslationContext): boolean {
  return (context.request.body.thinking as { type?: unknown } | undefined)?.type === 'enabled';
}

function messageId(id: string | undefined, context: TranslationContext): string {
  return `msg_${(id ?? context.requestId).replace(/[^A-Za-z0-9_-]/g, '')}`;
}

function parseArguments(text: string | undefined): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { _raw: text };
  }
}

/** A chat.completion answer → an Anthropic `message`. */
export function chatToMessage(chat: ChatCompletionLike, context: TranslationContext): Record<string, unknown> {
  const choice = chat.choices?.[0];
  const content: Array<Record<string, unknown>> = [];
  const reasoning = choice?.message?.reasoning_content;
  if (wantsThinking(context) && typeof reasoning === 'string' && reasoning.length > 0) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  const text = choice?.message?.content;
  if (typeof text === 'string' && text.length > 0) content.push({ type: 'text', text });
  for (const call of choice?.message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: parseArguments(call.function?.arguments) });
  }
  return {
    id: messageId(chat.id, context),
    type: 'message',
    role: 'assistant',
    model: context.clientModel,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason ?? 'stop'),
    stop_sequence: null,
    usage: anthropicUsageOf(readUsage(chat.usage)),
  };
}

interface ChatChunk {
  id?: string;
  choices?: Array<{
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: unknown;
  error?: { code?: unknown; message?: unknown; type?: unknown };
}

type OpenBlock = { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; toolIndex: number };

/**
 * Chat-completion SSE chunks → Anthropic Messages events, as each chunk arrives:
 * `message_start`, then per content block `content_block_start` / `content_block_delta`
 * (`text_delta`, `input_json_delta` for tool arguments) / `content_block_stop`, and at the end
 * `message_delta` (stop reason and the whole usage) and `message_stop`.
 */
export class ChatToMessagesStream implements StreamRelay {
  usage: TokenUsage | null = null;
  streamError: string | null = null;
  private readonly splitter = new SseEventSplitter();
  private started = false;
  private finished = false;
  private blockIndex = -1;
  private open: OpenBlock | null = null;
  private readonly toolBlocks = new Map<number, number>();
  private stopReason: string | null = null;
  private text = '';

  private readonly thinking: boolean;

  constructor(private readonly context: TranslationContext) {
    this.thinking = wantsThinking(context);
  }

  push(chunk: Buffer): string {
    let out = '';
    for (const event of this.splitter.push(chunk)) out += this.translate(event.data);
    return out;
  }

  end(): string {
    const rest = this.splitter.end();
    let out = rest ? this.translate(rest.data) : '';
    if (this.finished) return out;
    out += this.start();
    out += this.closeBlock();
    out += sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: this.stopReason ?? 'end_turn', stop_sequence: null },
      usage: anthropicUsageOf(this.usage),
    });
    out += sseEvent('message_stop', { type: 'message_stop' });
    this.finished = true;
    return out;
  }

  deliveredText(): string {
    return this.text;
  }

  errorEvent(error: DialectError): string {
    return sseEvent('error', anthropicError(error.status, error.message));
  }

  private translate(data: string): string {
    if (!data || data === '[DONE]') return '';
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      return '';
    }
    if (chunk.error) {
      this.streamError = wireText(chunk.error.code ?? chunk.error.type ?? 'upstream_error');
      this.finished = true;
      return sseEvent('error', anthropicError(500, wireText(chunk.error.message ?? 'The provider failed mid-stream.')));
    }
    let out = this.start(chunk.id);
    const usage = readUsage(chunk.usage);
    if (usage) this.usage = usage;
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta;
      if (typeof delta?.reasoning_content === 'string' && delta.reasoning_content.length > 0) out += this.thinkingDelta(delta.reasoning_content);
      if (typeof delta?.content === 'string' && delta.content.length > 0) out += this.textDelta(delta.content);
      for (const call of delta?.tool_calls ?? []) out += this.toolDelta(call);
      if (choice.finish_reason) this.stopReason = stopReasonOf(choice.finish_reason);
    }
    return out;
  }

  private start(id?: string): string {
    if (this.started) return '';
    this.started = true;
    return sseEvent('message_start', {
      type: 'message_start',
      message: {
        id: messageId(id, this.context),
        type: 'message',
        role: 'assistant',
        model: this.context.clientModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  private thinkingDelta(thinking: string): string {
    this.text += thinking;
    if (!this.thinking) return '';
    let out = '';
    if (this.open?.kind !== 'thinking') {
      out += this.closeBlock();
      out += this.openBlock({ kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
    }
    return out + sseEvent('content_block_delta', { type: 'content_block_delta', index: this.blockIndex, delta: { type: 'thinking_delta', thinking } });
  }

  private textDelta(text: string): string {
    this.text += text;
    let out = '';
    if (this.open?.kind !== 'text') {
      out += this.closeBlock();
      out += this.openBlock({ kind: 'text' }, { type: 'text', text: '' });
    }
    return out + sseEvent('content_block_delta', { type: 'content_block_delta', index: this.blockIndex, delta: { type: 'text_delta', text } });
  }

  private toolDelta(call: { index?: number; id?: string; function?: { name?: string; arguments?: string } }): string {
    const toolIndex = call.index ?? 0;
    let out = '';
    let index = this.toolBlocks.get(toolIndex);
    if (index === undefined) {
      out += this.closeBlock();
      out += this.openBlock({ kind: 'tool', toolIndex }, { type: 'tool_use', id: call.id ?? `toolu_${toolIndex}`, name: call.function?.name ?? '', input: {} });
      index = this.blockIndex;
      this.toolBlocks.set(toolIndex, index);
    }
    const fragment = call.function?.arguments;
    if (typeof fragment === 'string' && fragment.length > 0) {
      this.text += fragment;
      out += sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } });
    }
    return out;
  }

  private openBlock(block: OpenBlock, contentBlock: Record<string, unknown>): string {
    this.open = block;
    this.blockIndex++;
    return sseEvent('content_block_start', { type: 'content_block_start', index: this.blockIndex, content_block: contentBlock });
  }

  private closeBlock(): string {
    if (!this.open) return '';
    this.open = null;
    return sseEvent('content_block_stop', { type: 'content_block_stop', index: this.blockIndex });
  }
}
