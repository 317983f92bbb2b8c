import type { ServerResponse } from 'node:http';
import type { FakeProvider } from '../support/fake-provider';

/**
 * Anthropic Messages exactly as documented (providers.md §5), for a FakeProvider: the native
 * endpoint of its kind (DashScope `/apps/anthropic/v1/messages`, Huawei MaaS
 * `/anthropic/v1/messages`, OpenAI-kind `/v1/messages`) and its `/count_tokens`.
 *
 * Deterministic counts: input_tokens = words + 3 per message (+ system words);
 * a body mentioning CACHED reads 20 tokens from the cache, CACHE_WRITE writes 7;
 * output_tokens = the fake's completion tokens. With a `get_weather` tool and a last user turn
 * without a tool result, it calls the tool; with the result, it answers from it.
 * Every answer carries `request-id` and `anthropic-ratelimit-*` headers. Models named
 * `chat-only-*` are not served here (404 not_found_error), as native endpoints serve some models only.
 */
export const FAKE_CACHE_READ = 20;
export const FAKE_CACHE_WRITE = 7;

export interface FakeMessagesOptions {
  /** message_delta usage style: `output` = only output_tokens (older API), `full` = the current cumulative fields. */
  deltaUsage?: 'output' | 'full';
}

type Block = Record<string, unknown>;
interface MessagesBody {
  model: string;
  system?: string | Block[];
  messages: Array<{ role: string; content: string | Block[] }>;
  tools?: Array<{ name: string }>;
  stream?: boolean;
  max_tokens: number;
}

const words = (text: string) => (text.trim() ? text.trim().split(/\s+/).length : 0);
const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((block: Block) => (typeof block?.text === 'string' ? block.text : typeof block?.content === 'string' ? block.content : '')).join(' ')
      : '';

function fakeMessagesInputTokens(body: MessagesBody): number {
  const system = textOf(body.system);
  return words(system) + body.messages.reduce((sum, message) => sum + 3 + words(textOf(message.content)), 0);
}

function messagesPathOf(fake: FakeProvider): string {
  return fake.kind === 'dashscope' ? '/apps/anthropic/v1/messages' : fake.kind === 'huawei-maas' ? '/anthropic/v1/messages' : '/v1/messages';
}

export const RATE_LIMIT_HEADERS = {
  'anthropic-ratelimit-requests-limit': '50',
  'anthropic-ratelimit-requests-remaining': '49',
  'anthropic-ratelimit-requests-reset': '2026-11-24T10:00:01Z',
  'anthropic-ratelimit-tokens-remaining': '39000',
};

export function serveMessages(fake: FakeProvider, completionTokens: number, content: string, options: FakeMessagesOptions = {}): void {
  const path = messagesPathOf(fake);
  fake.on('POST', path, (_req, res, raw) => {
    const body = raw as MessagesBody;
    if (body.model.startsWith('chat-only-')) {
      json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `model: ${body.model}` }, request_id: 'req_404' });
      return;
    }
    const usage = usageOf(body, completionTokens);
    const id = `msg_fake${Math.random().toString(16).slice(2, 10)}`;
    const blocks = answerBlocks(body, content);
    const stopReason = blocks.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
    const headers = { ...RATE_LIMIT_HEADERS, 'request-id': `req_${id.slice(8)}` };
    if (body.stream !== true) {
      const message = { id, type: 'message', role: 'assistant', model: body.model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage };
      json(res, 200, message, headers);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
    const events: string[] = [];
    const inputSide = {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: 1,
    };
    events.push(
      sse('message_start', {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', content: [], model: body.model, stop_reason: null, stop_sequence: null, usage: inputSide },
      }),
    );
    blocks.forEach((block, index) => {
      if (block.type === 'text') {
        events.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
        if (index === 0) events.push(sse('ping', { type: 'ping' }));
        for (const piece of split(String(block.text), 4))
          events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
      } else {
        events.push(
          sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }),
        );
        for (const piece of split(JSON.stringify(block.input), 3))
          events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }));
      }
      events.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    });
    const deltaUsage = options.deltaUsage === 'full' ? { ...inputSide, output_tokens: usage.output_tokens } : { output_tokens: usage.output_tokens };
    events.push(sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: deltaUsage }));
    events.push(sse('message_stop', { type: 'message_stop' }));
    fake.writeStream(res, events);
  });
  fake.on('POST', `${path}/count_tokens`, (_req, res, raw) => json(res, 200, { input_tokens: fakeMessagesInputTokens(raw as MessagesBody) }));
}

function usageOf(body: MessagesBody, completionTokens: number) {
  const text = JSON.stringify(body.messages) + JSON.stringify(body.system ?? '');
  return {
    input_tokens: fakeMessagesInputTokens(body),
    cache_creation_input_tokens: text.includes('CACHE_WRITE') ? FAKE_CACHE_WRITE : 0,
    cache_read_input_tokens: text.includes('CACHED') ? FAKE_CACHE_READ : 0,
    cache_creation: { ephemeral_5m_input_tokens: text.includes('CACHE_WRITE') ? FAKE_CACHE_WRITE : 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: Math.min(completionTokens, body.max_tokens),
    service_tier: 'standard',
    server_tool_use: null,
  };
}

function answerBlocks(body: MessagesBody, content: string): Block[] {
  const last = body.messages[body.messages.length - 1];
  const result = Array.isArray(last?.content) ? last.content.find((block) => block.type === 'tool_result') : undefined;
  if (result) return [{ type: 'text', text: `The tool said: ${textOf([result])}` }];
  if (body.tools?.some((tool) => tool.name === 'get_weather')) {
    return [
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_fake01', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
    ];
  }
  return [{ type: 'text', text: content }];
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  return Array.from({ length: parts }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(Boolean);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
