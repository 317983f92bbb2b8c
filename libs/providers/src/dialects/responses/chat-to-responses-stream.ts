import { StringDecoder } from 'node:string_decoder';
import { readUsage, TokenUsage } from '../../usage';
import type { DialectError, StreamRelay } from '../dialect';
import { newId, ResponseEcho, responseEnvelope, statusFor, toResponsesUsage } from './chat-to-response';
import type { FunctionCallItem, MessageItem, OutputItem, ReasoningItem, ResponseObject } from './responses-wire';
import { wireText } from '../../wire-text';

const EVENT_BOUNDARY = /\r?\n\r?\n/;
const MAX_KEPT_CHARS = 512 * 1024;

interface ChatChunk {
  choices?: Array<{
    delta?: {
      content?: unknown;
      refusal?: unknown;
      reasoning_content?: unknown;
      tool_calls?: Array<{ index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } }> | null;
    } | null;
    finish_reason?: unknown;
  }>;
  usage?: unknown;
  error?: { code?: unknown; message?: unknown; type?: unknown } | null;
}

type PartKind = 'output_text' | 'refusal';

interface OpenText {
  item: MessageItem;
  index: number;
  /** The message's content parts so far; the last one is the one still growing. */
  parts: Array<{ kind: PartKind; value: string }>;
}

interface OpenReasoning {
  item: ReasoningItem;
  index: number;
  text: string;
}

interface OpenCall {
  item: FunctionCallItem;
  index: number;
}

/**
 * Turns an upstream chat completions stream into Responses events as each chunk arrives:
 * `response.created`, `response.in_progress`, then per output item `output_item.added`,
 * its deltas (`output_text.delta`, `reasoning_summary_text.delta`, `function_call_arguments.delta`)
 * and `…done` events, and finally `response.completed` (or `.incomplete` / `.failed`) carrying
 * the usage. The last usage seen counts (Huawei MaaS repeats it cumulatively on every chunk).
 */
export class ChatToResponsesStream implements StreamRelay {
  usage: TokenUsage | null = null;
  /** An upstream error event seen inside the stream. */
  streamError: string | null = null;
  /** Set once the first piece of model output (text, reasoning or arguments) has been produced. */
  producedOutput = false;
  private readonly decoder = new StringDecoder('utf8');
  private readonly response: ResponseObject;
  private pending = '';
  private seq = 0;
  private nextIndex = 0;
  private text: OpenText | null = null;
  private reasoning: OpenReasoning | null = null;
  private readonly calls = new Map<number, OpenCall>();
  private finishReason: unknown = null;
  private finished = false;
  private kept = '';

  private started = false;

  constructor(echo: ResponseEcho, responseId = newId('resp'), createdAt = Math.floor(Date.now() / 1000)) {
    this.response = responseEnvelope(echo, responseId, createdAt, 'in_progress');
  }

  get responseId(): string {
    return this.response.id;
  }

  /** Events for one upstream chunk (may be empty while an SSE event is still incomplete). */
  push(chunk: Buffer | string): string {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let out = this.start();
    let boundary: RegExpExecArray | null;
    while ((boundary = EVENT_BOUNDARY.exec(this.pending)) !== null) {
      const event = this.pending.slice(0, boundary.index);
      this.pending = this.pending.slice(boundary.index + boundary[0].length);
      out += this.onEvent(event);
    }
    return out;
  }

  /** At the end of the upstream stream: the closing events, if the stream did not already end. */
  end(): string {
    this.pending += this.decoder.end();
    let out = this.start() + (this.pending.trim() ? this.onEvent(this.pending) : '');
    this.pending = '';
    if (this.finished) return out;
    if (this.finishReason === null && !this.producedOutput) {
      this.streamError = 'upstream_stream_interrupted';
      return out + this.fail(this.streamError, 'The provider ended the stream without an answer.');
    }
    out += this.closeAll();
    return out + this.finish();
  }

  /** How a gateway-side failure mid-stream reaches the client: `response.failed`. */
  errorEvent(error: DialectError): string {
    return this.start() + this.closeAll() + this.fail(error.code, error.message);
  }

  /** A `response.failed` event (the provider failed or went silent mid-stream). */
  private fail(code: string, message: string): string {
    if (this.finished) return '';
    this.finished = true;
    const response = this.snapshot();
    response.status = 'failed';
    response.error = { code, message };
    return this.event('response.failed', { response });
  }

  /** Text the client received (answer, reasoning and arguments), for estimating tokens without usage. */
  deliveredText(): string {
    return this.kept;
  }

  /** `response.created` and `response.in_progress`, once, before anything else. */
  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = `"response":${JSON.stringify(this.snapshot())}`;
    return this.rawEvent('response.created', response) + this.rawEvent('response.in_progress', response);
  }

  private onEvent(event: string): string {
    let data = '';
    if (event.startsWith('data:') && !event.includes('\n'))
      data = event.slice(5).trimStart(); // the usual one-line event
    else for (const line of event.split(/\r?\n/)) if (line.startsWith('data:')) data += line.slice(5).trimStart();
    if (!data || this.finished) return '';
    if (data === '[DONE]') return this.closeAll() + this.finish();
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      return '';
    }
    if (chunk.error) {
      this.streamError = wireText(chunk.error.code ?? chunk.error.type ?? 'upstream_error');
      return this.closeAll() + this.fail(this.streamError, typeof chunk.error.message === 'string' ? chunk.error.message : 'The provider reported an error.');
    }
    const usage = readUsage(chunk.usage);
    if (usage) this.usage = usage;
    let out = '';
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? {};
      if (typeof delta.reasoning_content === 'string' && delta.reasoning_content.length > 0) out += this.reasoningDelta(delta.reasoning_content);
      if (typeof delta.content === 'string' && delta.content.length > 0) out += this.textDelta('output_text', delta.content);
      if (typeof delta.refusal === 'string' && delta.refusal.length > 0) out += this.textDelta('refusal', delta.refusal);
      for (const call of delta.tool_calls ?? []) out += this.callDelta(call);
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        this.finishReason = choice.finish_reason;
        out += this.closeAll();
      }
    }
    return out;
  }

  private reasoningDelta(delta: string): string {
    let out = '';
    if (!this.reasoning) {
      out += this.closeText();
      const item: ReasoningItem = { id: newId('rs'), type: 'reasoning', summary: [] };
      this.reasoning = { item, index: this.open(item), text: '' };
      out += this.event('response.output_item.added', { output_index: this.reasoning.index, item });
      out += this.event('response.reasoning_summary_part.added', {
        item_id: item.id,
        output_index: this.reasoning.index,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    this.reasoning.text += delta;
    this.keep(delta);
    const { item, index } = this.reasoning;
    return (
      out +
      this.rawEvent(
        'response.reasoning_summary_text.delta',
        `"item_id":"${item.id}","output_index":${index},"summary_index":0,"delta":${JSON.stringify(delta)}`,
      )
    );
  }

  /** Answer text or a refusal: parts of one assistant message item. */
  private textDelta(kind: PartKind, delta: string): string {
    let out = '';
    if (!this.text) {
      out += this.closeReasoning();
      const item: MessageItem = { id: newId('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [] };
      this.text = { item, index: this.open(item), parts: [] };
      out += this.event('response.output_item.added', { output_index: this.text.index, item: { ...item, content: [] } });
    }
    const open = this.text;
    if (open.parts[open.parts.length - 1]?.kind !== kind) {
      if (open.parts.length > 0) out += this.closePart(open);
      open.parts.push({ kind, value: '' });
      out += this.event('response.content_part.added', {
        item_id: open.item.id,
        output_index: open.index,
        content_index: open.parts.length - 1,
        part: partOf(kind, ''),
      });
    }
    open.parts[open.parts.length - 1].value += delta;
    this.keep(delta);
    const at = `"item_id":"${open.item.id}","output_index":${open.index},"content_index":${open.parts.length - 1},"delta":${JSON.stringify(delta)}`;
    return out + (kind === 'output_text' ? this.rawEvent('response.output_text.delta', `${at},"logprobs":[]`) : this.rawEvent('response.refusal.delta', at));
  }

  /** The `…done` events of the message's growing part. */
  private closePart(open: OpenText): string {
    const { kind, value } = open.parts[open.parts.length - 1];
    const at = { item_id: open.item.id, output_index: open.index, content_index: open.parts.length - 1 };
    const done =
      kind === 'output_text'
        ? this.event('response.output_text.done', { ...at, text: value, logprobs: [] })
        : this.event('response.refusal.done', { ...at, refusal: value });
    return done + this.event('response.content_part.done', { ...at, part: partOf(kind, value) });
  }

  private callDelta(call: { index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } }): string {
    const key = typeof call.index === 'number' ? call.index : this.calls.size;
    let out = '';
    let open = this.calls.get(key);
    if (!open) {
      out += this.closeReasoning() + this.closeText();
      const item: FunctionCallItem = {
        id: newId('fc'),
        type: 'function_call',
        status: 'in_progress',
        call_id: typeof call.id === 'string' && call.id ? call.id : newId('call'),
        name: typeof call.function?.name === 'string' ? call.function.name : '',
        arguments: '',
      };
      open = { item, index: this.open(item) };
      this.calls.set(key, open);
      out += this.event('response.output_item.added', { output_index: open.index, item: { ...item } });
    } else if (typeof call.function?.name === 'string' && open.item.name !== call.function.name) {
      open.item.name += call.function.name; // a name streamed in pieces
    }
    const delta = call.function?.arguments;
    if (typeof delta === 'string' && delta.length > 0) {
      open.item.arguments += delta;
      this.keep(delta);
      out += this.rawEvent(
        'response.function_call_arguments.delta',
        `"item_id":"${open.item.id}","output_index":${open.index},"delta":${JSON.stringify(delta)}`,
      );
    }
    return out;
  }

  private closeReasoning(): string {
    const open = this.reasoning;
    if (!open) return '';
    this.reasoning = null;
    const part = { type: 'summary_text' as const, text: open.text };
    open.item.summary = [part];
    const at = { item_id: open.item.id, output_index: open.index, summary_index: 0 };
    return (
      this.event('response.reasoning_summary_text.done', { ...at, text: open.text }) +
      this.event('response.reasoning_summary_part.done', { ...at, part }) +
      this.event('response.output_item.done', { output_index: open.index, item: open.item })
    );
  }

  private closeText(): string {
    const open = this.text;
    if (!open) return '';
    this.text = null;
    const out = this.closePart(open);
    open.item.content = open.parts.map((part) => partOf(part.kind, part.value));
    open.item.status = 'completed';
    return out + this.event('response.output_item.done', { output_index: open.index, item: open.item });
  }

  private closeCalls(): string {
    let out = '';
    for (const open of [...this.calls.values()].sort((a, b) => a.index - b.index)) {
      if (open.item.status !== 'in_progress') continue;
      open.item.status = 'completed';
      out += this.event('response.function_call_arguments.done', {
        item_id: open.item.id,
        output_index: open.index,
        name: open.item.name,
        arguments: open.item.arguments,
      });
      out += this.event('response.output_item.done', { output_index: open.index, item: open.item });
    }
    return out;
  }

  private closeAll(): string {
    return this.closeReasoning() + this.closeText() + this.closeCalls();
  }

  private finish(): string {
    if (this.finished) return '';
    this.finished = true;
    const { status, incomplete } = statusFor(this.finishReason);
    const response = this.snapshot();
    response.status = status;
    response.incomplete_details = incomplete;
    response.usage = this.usage ? toResponsesUsage(this.usage) : null;
    return this.event(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  }

  private open(item: OutputItem): number {
    this.producedOutput = true;
    this.response.output.push(item);
    return this.nextIndex++;
  }

  private snapshot(): ResponseObject {
    return { ...this.response, output: this.response.output.map((item) => ({ ...item })) };
  }

  private keep(text: string): void {
    if (this.kept.length < MAX_KEPT_CHARS) this.kept += text;
  }

  /** One event: `type` and `sequence_number` first, then the payload's fields (never empty). */
  private event(type: string, payload: Record<string, unknown>): string {
    return this.rawEvent(type, JSON.stringify(payload).slice(1, -1));
  }

  /**
   * {@link event} with the payload's fields already as JSON text (`"a":1,"b":"x"`): the deltas,
   * several per stream, and the two opening snapshots, are written without building and
   * serialising an object each (nor spreading one into another, which costs more than the
   * serialising). Item ids are gateway-made (prefix and hex), safe unescaped.
   */
  private rawEvent(type: string, fields: string): string {
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${this.seq++},${fields}}\n\n`;
  }
}

function partOf(kind: PartKind, value: string): MessageItem['content'][number] {
  return kind === 'output_text' ? { type: 'output_text', text: value, annotations: [], logprobs: [] } : { type: 'refusal', refusal: value };
}
