import { StringDecoder } from 'node:string_decoder';
import { readUsage, TokenUsage } from '../usage';
import { wireText } from '../wire-text';

/** Enough of what was streamed to estimate completion tokens if the provider's usage never comes. */
const MAX_KEPT_CHARS = 512 * 1024;
const EVENT_BOUNDARY = /\r?\n\r?\n/;

/**
 * Watches an OpenAI-style SSE stream on its way to the client, chunk by chunk.
 *
 * - Pass-through mode (the client asked for usage itself): every upstream chunk is forwarded as
 *   is, immediately; events are only inspected on the side.
 * - Hiding mode (the gateway added `include_usage` on its own): complete events are forwarded as
 *   they complete, except the usage-only `choices: []` event the client did not ask for.
 *
 * Only events that can carry usage are JSON-parsed (cheap substring test first). The last usage
 * seen wins, which is right both for one final usage chunk and for Huawei's cumulative usage on
 * every chunk.
 */
export class SseUsageTap {
  usage: TokenUsage | null = null;
  /** An upstream error event seen inside the stream (`data: {"error": ...}`). */
  streamError: string | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private kept: string[] = [];
  private keptChars = 0;
  /** The decoder holds the first bytes of a character split across chunks. */
  private decoderHolds = false;

  constructor(private readonly hideUsageChunk: boolean) {}

  /** Returns what to write to the client now (may be empty). */
  push(chunk: Buffer): Buffer | string {
    const text = this.decoder.write(chunk);
    // a chunk may end inside a multi-byte character, which the decoder holds for the next one
    const heldBefore = this.decoderHolds;
    if (chunk.length > 0) this.decoderHolds = endsMidCharacter(chunk);
    // The common chunk — whole events, none that can carry usage or an error, no character split
    // with a neighbour — goes on as the provider's own bytes, without splitting it into events (a
    // stream has hundreds of chunks).
    const whole = this.pending === '' && !heldBefore && !this.decoderHolds && endsWithEventBoundary(text);
    if (whole && !needsInspection(text)) {
      this.keep(text);
      return chunk;
    }
    this.pending += text;
    let forward = '';
    let boundary: RegExpExecArray | null;
    while ((boundary = EVENT_BOUNDARY.exec(this.pending)) !== null) {
      const end = boundary.index + boundary[0].length;
      const event = this.pending.slice(0, end);
      this.pending = this.pending.slice(end);
      if (this.inspect(event)) forward += event;
    }
    return this.hideUsageChunk ? forward : chunk;
  }

  /** At the end of the stream: whatever incomplete event is left (hiding mode only). */
  end(): string {
    this.pending += this.decoder.end();
    const rest = this.pending;
    this.pending = '';
    if (!rest) return '';
    const keep = this.inspect(rest);
    return this.hideUsageChunk && keep ? rest : '';
  }

  /** Text the client received (content and reasoning deltas), for estimating tokens. */
  deliveredText(): string {
    let text = '';
    for (const event of this.kept) {
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (!data || data === '[DONE]') continue;
        try {
          const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: unknown; reasoning_content?: unknown } }> };
          for (const choice of parsed.choices ?? []) {
            if (typeof choice.delta?.content === 'string') text += choice.delta.content;
            if (typeof choice.delta?.reasoning_content === 'string') text += choice.delta.reasoning_content;
          }
        } catch {
          // a torn event at the end of a broken stream
        }
      }
    }
    return text;
  }

  /** Returns false when the event must not reach the client. */
  private inspect(event: string): boolean {
    this.keep(event);
    if (!needsInspection(event)) return true;
    const data = dataOf(event);
    if (!data) return true;
    let parsed: { usage?: unknown; choices?: unknown[]; error?: { code?: unknown; message?: unknown } };
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      return true;
    }
    if (parsed.error) this.streamError = wireText(parsed.error.code ?? parsed.error.message ?? 'upstream_error');
    const usage = readUsage(parsed.usage);
    if (usage) this.usage = usage;
    const usageOnly = usage !== null && Array.isArray(parsed.choices) && parsed.choices.length === 0;
    return !(this.hideUsageChunk && usageOnly);
  }

  /** Keeps delivered events (whole ones, in order) for `deliveredText`, up to a bound. */
  private keep(events: string): void {
    if (this.keptChars >= MAX_KEPT_CHARS) return;
    this.kept.push(events);
    this.keptChars += events.length;
  }
}

/**
 * Only events that may carry a usage object or an error are parsed (OpenAI sends `"usage":null`
 * on every chunk).
 */
function needsInspection(text: string): boolean {
  return text.includes('"usage":{') || text.includes('"usage": {') || text.includes('"error"');
}

/** Whether `text` ends where an event ends (a blank line: `\n\n`, `\r\n\r\n` or a mix). */
function endsWithEventBoundary(text: string): boolean {
  const end = text.length;
  if (end < 2 || text.charCodeAt(end - 1) !== LF) return false;
  const before = text.charCodeAt(end - 2);
  return before === LF || (before === CR && end >= 3 && text.charCodeAt(end - 3) === LF);
}

/**
 * Whether `chunk` ends inside a UTF-8 sequence (its last lead byte wants more bytes than follow).
 * A chunk of continuation bytes alone cannot tell, and counts as holding (the slow path is always right).
 */
function endsMidCharacter(chunk: Buffer): boolean {
  for (let i = chunk.length - 1, seen = 1; i >= 0 && seen <= 4; i--, seen++) {
    const byte = chunk[i];
    if (byte < 0x80) return false;
    if (byte >= 0xc0) return seen < (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2);
  }
  return chunk.length > 0;
}

const LF = 10;
const CR = 13;

function dataOf(event: string): string {
  let data = '';
  for (const line of event.split(/\r?\n/)) {
    if (line.startsWith('data:')) data += line.slice(5).trimStart();
  }
  return data;
}
