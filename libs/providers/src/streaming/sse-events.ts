import { StringDecoder } from 'node:string_decoder';

const EVENT_BOUNDARY = /\r?\n\r?\n/;

/** One server-sent event: its `event:` name (empty when absent) and its joined `data:` lines. */
export interface SseEvent {
  event: string;
  data: string;
  /** The event as it came, including its terminating blank line. */
  raw: string;
}

/** Splits an SSE byte stream into complete events as they arrive (chunks may tear events and UTF-8). */
export class SseEventSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  push(chunk: Buffer): SseEvent[] {
    this.pending += this.decoder.write(chunk);
    const events: SseEvent[] = [];
    let boundary: RegExpExecArray | null;
    while ((boundary = EVENT_BOUNDARY.exec(this.pending)) !== null) {
      const end = boundary.index + boundary[0].length;
      events.push(parseEvent(this.pending.slice(0, end)));
      this.pending = this.pending.slice(end);
    }
    return events;
  }

  /** Whatever incomplete event is left at the end of the stream. */
  end(): SseEvent | null {
    this.pending += this.decoder.end();
    const rest = this.pending;
    this.pending = '';
    return rest.trim() ? parseEvent(rest) : null;
  }
}

function parseEvent(raw: string): SseEvent {
  let event = '';
  let data = '';
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(5).trimStart();
    else if (line.startsWith('event:')) event = line.slice(6).trim();
  }
  return { event, data, raw };
}

/** Writes one SSE event with a name (Anthropic and Responses streams name every event). */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
