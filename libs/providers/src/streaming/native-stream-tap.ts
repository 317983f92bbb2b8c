import type { TokenUsage } from '../usage';
import type { DialectError, StreamRelay } from '../dialects/dialect';
import { SseEventSplitter } from './sse-events';

/** Delivered text kept for a completion estimate; beyond this a cut stream is estimated from what was kept. */
const MAX_KEPT_CHARS = 512 * 1024;

/**
 * A native stream on its way to the client (Messages, Responses): every chunk passes through at
 * once, unchanged, while the SSE events are split out and handed to the dialect's `inspect`, which
 * picks usage, errors and delivered text out of the few events that can carry them.
 */
export abstract class NativeStreamTap implements StreamRelay {
  abstract readonly usage: TokenUsage | null;
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

  abstract errorEvent(error: DialectError): string;

  /** One SSE event (its `event:` name, possibly empty, and its data). */
  protected abstract inspect(name: string, data: string): void;

  /** Output text the client received, for an estimate if the usage never comes. */
  protected keepDelivered(part: string): void {
    if (this.text.length < MAX_KEPT_CHARS) this.text += part;
  }

  protected get keepingDelivered(): boolean {
    return this.text.length < MAX_KEPT_CHARS;
  }
}
