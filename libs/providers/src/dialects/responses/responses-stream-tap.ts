import type { TokenUsage } from '../../usage';
import { NativeStreamTap } from '../../streaming/native-stream-tap';
import { sseEvent } from '../../streaming/sse-events';
import type { DialectError } from '../dialect';
import { readResponsesUsage } from './responses-usage';
import { wireText } from '../../wire-text';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
/** Substrings of the events worth parsing, for streams that do not name their events. */
const SNIFF = ['.delta"', '"response.completed"', '"response.incomplete"', '"response.failed"', '"error"'];
const wanted = (name: string) => name.endsWith('.delta') || TERMINAL.has(name) || name === 'error';

/**
 * Watches a native Responses stream: passes every chunk through at once, unchanged. Usage comes
 * from `response.completed` (or `response.incomplete` / `response.failed`); an `error` event or a
 * failed response gives the usage event its error code. Only events that can matter are parsed:
 * terminal events, errors, and output deltas (text, reasoning, arguments: kept for an estimate
 * when the stream is cut before its usage arrives).
 */
export class ResponsesStreamTap extends NativeStreamTap {
  usage: TokenUsage | null = null;
  private seq = 0;

  /** A gateway-side failure mid-stream, told as OpenAI's stream `error` event. */
  errorEvent(error: DialectError): string {
    return sseEvent('error', { type: 'error', sequence_number: this.seq + 1, code: error.code, message: error.message, param: error.param });
  }

  protected inspect(name: string, data: string): void {
    if (!data) return;
    if (!(name ? wanted(name) : SNIFF.some((marker) => data.includes(marker)))) return;
    let parsed: {
      type?: string;
      sequence_number?: unknown;
      delta?: unknown;
      code?: unknown;
      message?: unknown;
      response?: { usage?: unknown; error?: { code?: unknown } | null };
    };
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.sequence_number === 'number') this.seq = parsed.sequence_number;
    const type = parsed.type ?? name;
    if (type.endsWith('.delta') && typeof parsed.delta === 'string') {
      this.keepDelivered(parsed.delta);
      return;
    }
    if (type === 'error') {
      this.streamError = wireText(parsed.code ?? 'upstream_error');
      return;
    }
    if (!TERMINAL.has(type)) return;
    this.usage = readResponsesUsage(parsed.response?.usage) ?? this.usage;
    if (type === 'response.failed') this.streamError = wireText(parsed.response?.error?.code ?? 'response_failed');
  }
}
