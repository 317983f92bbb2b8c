import Anthropic from '@anthropic-ai/sdk';
import { FAKE_CACHE_READ, FAKE_CACHE_WRITE, RATE_LIMIT_HEADERS, serveMessages } from '../fakes/anthropic-messages';
import { createTestDatabase } from '@app/core/testing';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';

interface EventRow {
  id: string;
  status: number;
  model: string | null;
  endpoint: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost: string;
  estimated: boolean;
  error_code: string | null;
  ttft_ms: number | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('Anthropic Messages through the gateway (native and translated)', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let dashscope: FakeProvider;
  let huawei: FakeProvider;
  let openai: FakeProvider;
  let anthropicNative: FakeProvider;
  let dev: Awaited<ReturnType<Seed['developer']>>;

  async function eventFor(requestId: string | null): Promise<EventRow> {
    expect(requestId).toBeTruthy();
    for (let i = 0; i < 100; i++) {
      const rows: EventRow[] = await seed.dataSource.query(
        `SELECT id, status, model, endpoint, stream, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
                total_tokens, cost::text, estimated, error_code, ttft_ms
         FROM usage_events WHERE id = $1`,
        [requestId],
      );
      if (rows[0]) return rows[0];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no usage event for ${requestId}`);
  }

  const sdk = (key = dev.key) => new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': dev.key }) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });
  const weatherTool: Anthropic.Tool = {
    name: 'get_weather',
    description: 'Weather in a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  };

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    [dashscope, huawei, openai, anthropicNative] = await Promise.all([
      FakeProvider.start('dashscope', { completionTokens: 9 }),
      FakeProvider.start('huawei-maas', { completionTokens: 9 }),
      FakeProvider.start('openai', { completionTokens: 12 }),
      FakeProvider.start('openai', { completionTokens: 5 }),
    ]);
    serveMessages(dashscope, 9, 'Hello from Qwen, natively.');
    serveMessages(huawei, 9, 'Hello from MaaS, natively.', { deltaUsage: 'full' });
    serveMessages(anthropicNative, 5, 'Hello from a native Messages endpoint.');
    const dashscopeId = await seed.provider('dashscope', dashscope.baseUrl, dashscope.apiKey);
    const qwen = await seed.model('qwen-coder', dashscopeId, { input: '1', output: '2', cached: '0.5', currency: 'CNY', upstream: 'qwen3-coder-plus' });
    await seed.dataSource.query(`UPDATE models SET aliases = $2, cache_write_input_price = '3' WHERE id = $1`, [
      qwen,
      ['claude-sonnet-4-5', 'claude-haiku-4-5'],
    ]);
    const huaweiId = await seed.provider('huawei-maas', huawei.baseUrl, huawei.apiKey);
    await seed.model('qwen-chat-only', dashscopeId, { input: '1', output: '1', currency: 'CNY', upstream: 'chat-only-qwen' });
    await seed.model('DeepSeek-V3', huaweiId, { input: '2', output: '8', currency: 'CNY' });
    const openaiId = await seed.provider('openai', openai.baseUrl, openai.apiKey);
    await seed.model('gpt-translated', openaiId, { input: '1', output: '1', currency: 'USD', upstream: 'gpt-4o-mini' });
    const nativeId = await seed.provider('openai', anthropicNative.baseUrl, anthropicNative.apiKey);
    await seed.dataSource.query(`UPDATE providers SET options = '{"messagesApi":"native"}' WHERE id = $1`, [nativeId]);
    await seed.model('claude-direct', nativeId, { input: '3', output: '15', currency: 'USD', upstream: 'claude-sonnet-4-5-20250929' });
    dev = await seed.developer();
    gateway = await startGateway(url);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([dashscope, huawei, openai, anthropicNative].map((fake) => fake?.close()));
    await seed?.close();
  });

  beforeEach(() => [dashscope, huawei, openai, anthropicNative].forEach((fake) => fake.reset()));

  it('serves the Anthropic SDK natively at DashScope, usage normalised (prompt includes cache reads and writes), priced with the cache-write price', async () => {
    const { data, response } = await sdk()
      .messages.create({
        model: 'qwen-coder',
        max_tokens: 100,
        system: 'Be brief. CACHE_WRITE',
        messages: [{ role: 'user', content: 'Say hello CACHED please' }],
      })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello from Qwen, natively.' }]);
    expect(data.usage.input_tokens).toBe(3 + 3 + 4);
    const sent = dashscope.requests[0];
    expect(sent.path).toBe('/apps/anthropic/v1/messages');
    expect(sent.body.model).toBe('qwen3-coder-plus');
    expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.headers.authorization).toBe(`Bearer ${dashscope.apiKey}`);
    expect(JSON.stringify(sent.headers)).not.toContain(dev.key);
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe(RATE_LIMIT_HEADERS['anthropic-ratelimit-requests-remaining']);
    expect(response.headers.get('x-upstream-request-id')).toMatch(/^req_/);
    const event = await eventFor(response.headers.get('x-request-id'));
    const prompt = 10 + FAKE_CACHE_READ + FAKE_CACHE_WRITE;
    expect(event).toMatchObject({
      status: 200,
      endpoint: 'messages',
      model: 'qwen-coder',
      stream: false,
      prompt_tokens: prompt,
      cached_tokens: FAKE_CACHE_READ,
      cache_write_tokens: FAKE_CACHE_WRITE,
      completion_tokens: 9,
      total_tokens: prompt + 9,
      estimated: false,
    });
    // 10 uncached × 1 + 20 reads × 0.5 + 7 writes × 3 + 9 out × 2, per 1M tokens
    expect(event.cost).toBe(String((10 * 1 + 20 * 0.5 + 7 * 3 + 9 * 2) / 1e6));
  });

  it('streams natively through the SDK, each event as it comes, usage exact and never summed (Huawei cumulative message_delta)', async () => {
    const stream = sdk().messages.stream({ model: 'DeepSeek-V3', max_tokens: 50, messages: [{ role: 'user', content: 'Stream to me CACHED' }] });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe('Hello from MaaS, natively.');
    expect(texts.length).toBeGreaterThan(1);
    expect(message.usage.output_tokens).toBe(9);
    expect(huawei.requests[0].path).toBe('/anthropic/v1/messages');
    const requestId = (await stream.withResponse()).response.headers.get('x-request-id');
    const event = await eventFor(requestId);
    expect(event).toMatchObject({
      endpoint: 'messages',
      stream: true,
      prompt_tokens: 7 + FAKE_CACHE_READ,
      cached_tokens: FAKE_CACHE_READ,
      cache_write_tokens: 0,
      completion_tokens: 9,
      estimated: false,
    });
    expect(event.ttft_ms).not.toBeNull();
  });

  it('relays a native stream event by event (never buffered) and meters a client hang-up as estimated, cancelling the provider call', async () => {
    dashscope.mode = { type: 'slow-stream', chunkDelayMs: 150 };
    const started = Date.now();
    const res = await post('/v1/messages', { model: 'qwen-coder', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'slowly' }] });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now() - started;
    expect(new TextDecoder().decode(first.value)).toContain('event: message_start');
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(Date.now() - started - firstAt).toBeGreaterThan(600); // the other events came later, as the provider sent them
    expect(rest).toContain('event: message_stop');

    const abort = new AbortController();
    const hungUp = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': dev.key },
      body: JSON.stringify({ model: 'qwen-coder', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hang up' }] }),
      signal: abort.signal,
    });
    const hungReader = hungUp.body!.getReader();
    await hungReader.read();
    await hungReader.read();
    abort.abort();
    const event = await eventFor(hungUp.headers.get('x-request-id'));
    expect(event).toMatchObject({ status: 499, estimated: true, endpoint: 'messages' });
    for (let i = 0; i < 50 && !dashscope.requests[1]?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dashscope.requests[1].aborted).toBe(true);
  });

  it('passes Claude Code beta requests through natively: ?beta=true, unknown body fields, anthropic-beta; the key as x-api-key or Bearer of any case', async () => {
    const body = {
      model: 'qwen-coder',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
      context_management: { edits: [] },
      output_config: { effort: 'low' },
      metadata: { user_id: 'u1' },
    };
    const res = await post('/v1/messages?beta=true', body, { 'x-api-key': dev.key, 'anthropic-beta': 'context-management-2025-06-27' });
    expect(res.status).toBe(200);
    const sent = dashscope.requests[0];
    expect(sent.body.context_management).toEqual({ edits: [] });
    expect(sent.body.output_config).toEqual({ effort: 'low' });
    expect(sent.headers['anthropic-beta']).toBe('context-management-2025-06-27');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect((await post('/v1/messages', body, { authorization: `bearer ${dev.key}` })).status).toBe(200);
    expect((await post('/v1/messages', body, { authorization: `BEARER ${dev.key}` })).status).toBe(200);
    expect((await fetch(`${gateway.url}/`, { method: 'HEAD' })).status).toBe(200); // Claude Code's connectivity probe
  });

  it("answers refusals in Anthropic's error shape, naming the field", async () => {
    const noKey = await post('/v1/messages', { model: 'qwen-coder', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, {});
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
    const noMax = await post('/v1/messages', { model: 'qwen-coder', messages: [{ role: 'user', content: 'x' }] });
    expect(noMax.status).toBe(400);
    const noMaxBody: Json = await noMax.json();
    expect(noMaxBody.type).toBe('error');
    expect(noMaxBody.error.type).toBe('invalid_request_error');
    expect(noMaxBody.error.message).toContain('max_tokens');
    expect((await eventFor(noMax.headers.get('x-request-id'))).status).toBe(400);
    const unknown = await post('/v1/messages', { model: 'claude-nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error.type).toBe('not_found_error');
    await expect(sdk().messages.create({ model: 'qwen-coder', max_tokens: 5, messages: [{ role: 'robot' as 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("relays the provider's rate-limit and retry headers and its request id unchanged on a 429", async () => {
    dashscope.mode = {
      type: 'error',
      status: 429,
      body: {
        type: 'error',
        error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' },
        request_id: 'req_429',
      },
      headers: {
        'retry-after': '7',
        'retry-after-ms': '6500',
        'anthropic-ratelimit-tokens-remaining': '0',
        'x-ratelimit-remaining-requests': '0',
        'request-id': 'req_429',
      },
    };
    const res = await post('/v1/messages', { model: 'qwen-coder', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('retry-after-ms')).toBe('6500');
    expect(res.headers.get('anthropic-ratelimit-tokens-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(res.headers.get('x-upstream-request-id')).toBe('req_429');
    expect(((await res.json()) as Json).error.type).toBe('rate_limit_error');
    expect(await eventFor(res.headers.get('x-request-id'))).toMatchObject({ status: 429, error_code: 'rate_limit_error', total_tokens: 0 });
  });

  it('resolves aliases (Claude Code model names) to the model they name, metered under it; GET /v1/models/{id}', async () => {
    const { response } = await sdk()
      .messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'title?' }] })
      .withResponse();
    expect(dashscope.requests[0].body.model).toBe('qwen3-coder-plus');
    expect((await eventFor(response.headers.get('x-request-id'))).model).toBe('qwen-coder');
    const one = await fetch(`${gateway.url}/v1/models/claude-sonnet-4-5`, { headers: { 'x-api-key': dev.key } });
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: 'claude-sonnet-4-5', object: 'model' });
    expect((await fetch(`${gateway.url}/v1/models/qwen-coder`, { headers: { authorization: `Bearer ${dev.key}` } })).status).toBe(200);
    expect((await fetch(`${gateway.url}/v1/models/nope`, { headers: { authorization: `Bearer ${dev.key}` } })).status).toBe(404);
    const list: Json = await (await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': dev.key } })).json();
    expect(list.data.filter((m: { id: string }) => m.id === 'qwen-coder')).toHaveLength(1);
  });

  it('translates to chat completions for an openai-kind provider: a tool round trip, not streamed', async () => {
    const first = await sdk().messages.create({
      model: 'gpt-translated',
      max_tokens: 200,
      system: 'You are terse.',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const chat = openai.requests[0];
    expect(chat.path).toBe('/v1/chat/completions');
    expect(chat.body.model).toBe('gpt-4o-mini');
    expect(chat.body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    expect(chat.body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherTool.input_schema } },
    ]);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_fake01', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
    ]);
    const { data: second, response } = await sdk()
      .messages.create({
        model: 'gpt-translated',
        max_tokens: 200,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_fake01', content: '18 C and sunny' }] },
        ],
      })
      .withResponse();
    expect(openai.requests[1].body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [{ id: 'call_fake01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_fake01', content: '18 C and sunny' },
    ]);
    expect(second.content).toEqual([{ type: 'text', text: 'The tool said: 18 C and sunny' }]);
    expect(second.stop_reason).toBe('end_turn');
    const event = await eventFor(response.headers.get('x-request-id'));
    expect(event).toMatchObject({ endpoint: 'messages', model: 'gpt-translated', completion_tokens: 12, estimated: false });
    expect(second.usage).toMatchObject({ input_tokens: event.prompt_tokens, output_tokens: 12 });
  });

  it('translates a stream chunk by chunk into Messages events, tool arguments as input_json_delta, usage in message_delta', async () => {
    const res = await post('/v1/messages', {
      model: 'gpt-translated',
      max_tokens: 100,
      stream: true,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((raw) => ({ name: raw.split('\n')[0].replace('event: ', ''), data: JSON.parse(raw.split('\n')[1].slice(6)) }));
    expect(events.map((e) => e.name)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[4].data.content_block).toEqual({ type: 'tool_use', id: 'call_fake01', name: 'get_weather', input: {} });
    const json = events
      .filter((e) => e.data.delta?.type === 'input_json_delta')
      .map((e) => e.data.delta.partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(events[9].data.delta.stop_reason).toBe('tool_use');
    const event = await eventFor(res.headers.get('x-request-id'));
    expect(events[9].data.usage).toMatchObject({ input_tokens: event.prompt_tokens, output_tokens: 12 });
    expect(event).toMatchObject({ stream: true, completion_tokens: 12, estimated: false });
    expect(openai.requests[0].body.stream_options).toEqual({ include_usage: true });

    const sdkStream = sdk().messages.stream({
      model: 'gpt-translated',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    const final = await sdkStream.finalMessage();
    expect(final.content[1]).toEqual({ type: 'tool_use', id: 'call_fake01', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } });
    expect(final.usage.output_tokens).toBe(12);
  });

  it('names ignored hints in x-tollgate-ignored and refuses what cannot be translated, naming the field', async () => {
    const ok = await post('/v1/messages', {
      model: 'gpt-translated',
      max_tokens: 10,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      top_k: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-tollgate-ignored')).toBe('thinking, top_k');
    const server = await post('/v1/messages', {
      model: 'gpt-translated',
      max_tokens: 10,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(server.status).toBe(400);
    expect(((await server.json()) as Json).error.message).toContain('tools[0]');
    const doc = await post('/v1/messages', {
      model: 'gpt-translated',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
    });
    expect(doc.status).toBe(400);
    expect(((await doc.json()) as Json).error.message).toContain('messages[0].content[0]');
    expect(openai.requests).toHaveLength(1);
  });

  it('translates images to image_url parts', async () => {
    await post('/v1/messages', {
      model: 'gpt-translated',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(openai.requests[0].body.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ]);
  });

  it("translated errors come back in Anthropic's shape", async () => {
    openai.mode = {
      type: 'error',
      status: 400,
      body: { error: { message: 'bad thing', type: 'invalid_request_error', param: null, code: 'bad' } },
      headers: { 'x-ratelimit-remaining-tokens': '10' },
    };
    const res = await post('/v1/messages', { model: 'gpt-translated', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-ratelimit-remaining-tokens')).toBe('10');
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'bad thing' } });
  });

  it('goes native at an openai-kind provider with options.messagesApi = native, authenticating with x-api-key', async () => {
    const res = await post('/v1/messages', { model: 'claude-direct', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(200);
    expect(anthropicNative.requests[0].path).toBe('/v1/messages');
    expect(anthropicNative.requests[0].headers['x-api-key']).toBe(anthropicNative.apiKey);
    expect(anthropicNative.requests[0].headers.authorization).toBeUndefined();
  });

  it('falls back to translation when the native endpoint does not serve the model (404), streamed and not', async () => {
    const res = await post('/v1/messages', { model: 'qwen-chat-only', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).content[0].text).toBe('Hello from the fake provider, streaming as the real one does.');
    expect(dashscope.requests.map((r) => r.path)).toEqual(['/apps/anthropic/v1/messages', '/compatible-mode/v1/chat/completions']);
    const stream = await sdk()
      .messages.stream({ model: 'qwen-chat-only', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .finalMessage();
    expect(stream.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake provider, streaming as the real one does.' });
  });

  it('count_tokens: the provider counts where it serves Messages natively, else a local estimate; free, no usage event', async () => {
    const counter = await seed.developer();
    const native = await sdk(counter.key).messages.countTokens({ model: 'qwen-coder', messages: [{ role: 'user', content: 'one two three' }] });
    expect(native.input_tokens).toBe(6);
    expect(dashscope.requests[0].path).toBe('/apps/anthropic/v1/messages/count_tokens');
    const local = await post(
      '/v1/messages/count_tokens',
      { model: 'gpt-translated', messages: [{ role: 'user', content: 'one two three' }] },
      { 'x-api-key': counter.key },
    );
    expect(local.status).toBe(200);
    expect(local.headers.get('x-tollgate-estimated')).toBe('true');
    expect(((await local.json()) as Json).input_tokens).toBeGreaterThan(3);
    expect(openai.requests).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await seed.dataSource.query(`SELECT count(*)::int AS n FROM usage_events WHERE user_id = $1`, [counter.userId]))[0].n).toBe(0);
    expect((await post('/v1/messages/count_tokens', { model: 'qwen-coder', messages: [] })).status).toBe(400);
  });
});
