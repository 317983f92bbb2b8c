import type { TokenUsage } from '../../usage';
import { SseEventSplitter, sseEvent } from '../../streaming/sse-events';
import type { DialectError, StreamRelay } from '../dialect';
import { readResponsesUsage } from './responses-usage';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Watches a native Responses stream: passes every chunk through at once; usage comes from
 * `response.completed` (or `response.incomplete` / `response.failed`).
 *
 * TODO(responses): keep `response.output_text.delta` text for estimates; `error` events.
 */
export class ResponsesStreamTap implements StreamRelay {
  usage: TokenUsage | null = null;
  streamError: string | null = null;
  private readonly splitter = new SseEventSplitter();
  private text = '';

  push(chunk: Buffer): Buffer {
    for (const event of this.splitter.push(chunk)) this.inspect(event.event, event.data);
    return chunk;
  }

  end(): string {
    const rest = this.splitter.end();
    if (rest) this.inspect(rest.event, rest.data);
    return '';
  }

  deliveredText(): string {
    return this.text;
  }

  errorEvent(error: DialectError): string {
    return sseEvent('error', { type: 'error', code: error.code, message: error.message, param: error.param });
  }

  private inspect(name: string, data: string): void {
    if (!data || !(TERMINAL.has(name) || data.includes('"response.'))) return;
    let parsed: { type?: string; response?: { usage?: unknown; error?: { code?: unknown } | null }; delta?: unknown };
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.type === 'response.output_text.delta' && typeof parsed.delta === 'string') this.text += parsed.delta;
    if (!TERMINAL.has(parsed.type ?? '')) return;
    this.usage = readResponsesUsage(parsed.response?.usage) ?? this.usage;
    if (parsed.type === 'response.failed') this.streamError = String(parsed.response?.error?.code ?? 'response_failed');
  }
}
