import type { TokenUsage } from '../../usage';
import { NativeStreamTap } from '../../streaming/native-stream-tap';
import { sseEvent } from '../../streaming/sse-events';
import type { DialectError } from '../dialect';
import { anthropicError } from './messages-errors';
import { AnthropicUsage, mergeAnthropicUsage, readAnthropicUsage } from './messages-usage';
import { wireText } from '../../wire-text';

/**
 * Watches a native Anthropic Messages stream on its way to the client: every chunk passes
 * through unchanged, at once; `message_start` and `message_delta` events are parsed for usage
 * (cumulative: the last non-null fields win), deltas kept for an estimate if usage never comes.
 */
export class MessagesStreamTap extends NativeStreamTap {
  private wireUsage: AnthropicUsage | null = null;

  get usage(): TokenUsage | null {
    return readAnthropicUsage(this.wireUsage);
  }

  errorEvent(error: DialectError): string {
    return sseEvent('error', anthropicError(error.status, error.message));
  }

  protected inspect(name: string, data: string): void {
    if (!data) return;
    if (name === 'content_block_delta' || data.startsWith('{"type":"content_block_delta"')) {
      if (this.keepingDelivered) this.keepDelta(data);
      return;
    }
    if (!data.includes('"usage"') && !data.includes('"error"')) return;
    let parsed: { type?: string; message?: { usage?: unknown }; usage?: unknown; error?: { type?: unknown } };
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.type === 'message_start') this.wireUsage = mergeAnthropicUsage(this.wireUsage, parsed.message?.usage);
    else if (parsed.type === 'message_delta') this.wireUsage = mergeAnthropicUsage(this.wireUsage, parsed.usage);
    else if (parsed.type === 'error') this.streamError = wireText(parsed.error?.type ?? 'upstream_error');
  }

  private keepDelta(data: string): void {
    try {
      const delta = (JSON.parse(data) as { delta?: { text?: unknown; thinking?: unknown; partial_json?: unknown } }).delta;
      for (const part of [delta?.text, delta?.thinking, delta?.partial_json]) if (typeof part === 'string') this.keepDelivered(part);
    } catch {
      // a torn event at the end of a broken stream
    }
  }
}
