import { FAKE_CACHE_READ, FAKE_CACHE_WRITE, RATE_LIMIT_HEADERS } from '../fakes/anthropic-messages';
import { messagesScene } from './messages-scene';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Messages calls a provider serves natively (DashScope, Huawei MaaS, an openai-kind provider with messagesApi: native); messages-translated covers the rest. */
describe('Anthropic Messages through the gateway, served natively (real PostgreSQL)', () => {
  const { s, eventFor, sdk, post } = messagesScene();

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
    const sent = s.dashscope.requests[0];
    expect(sent.path).toBe('/apps/anthropic/v1/messages');
    expect(sent.body.model).toBe('qwen3-coder-plus');
    expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.headers.authorization).toBe(`Bearer ${s.dashscope.apiKey}`);
    expect(JSON.stringify(sent.headers)).not.toContain(s.dev.key);
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
    expect(s.huawei.requests[0].path).toBe('/anthropic/v1/messages');
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
    s.dashscope.mode = { type: 'slow-stream', chunkDelayMs: 150 };
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
    const hungUp = await fetch(`${s.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': s.dev.key },
      body: JSON.stringify({ model: 'qwen-coder', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hang up' }] }),
      signal: abort.signal,
    });
    const hungReader = hungUp.body!.getReader();
    await hungReader.read();
    await hungReader.read();
    abort.abort();
    const event = await eventFor(hungUp.headers.get('x-request-id'));
    expect(event).toMatchObject({ status: 499, estimated: true, endpoint: 'messages' });
    for (let i = 0; i < 50 && !s.dashscope.requests[1]?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.dashscope.requests[1].aborted).toBe(true);
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
    const res = await post('/v1/messages?beta=true', body, { 'x-api-key': s.dev.key, 'anthropic-beta': 'context-management-2025-06-27' });
    expect(res.status).toBe(200);
    const sent = s.dashscope.requests[0];
    expect(sent.body.context_management).toEqual({ edits: [] });
    expect(sent.body.output_config).toEqual({ effort: 'low' });
    expect(sent.headers['anthropic-beta']).toBe('context-management-2025-06-27');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect((await post('/v1/messages', body, { authorization: `bearer ${s.dev.key}` })).status).toBe(200);
    expect((await post('/v1/messages', body, { authorization: `BEARER ${s.dev.key}` })).status).toBe(200);
    expect((await fetch(`${s.gateway.url}/`, { method: 'HEAD' })).status).toBe(200); // Claude Code's connectivity probe
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
    s.dashscope.mode = {
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
    expect(s.dashscope.requests[0].body.model).toBe('qwen3-coder-plus');
    expect((await eventFor(response.headers.get('x-request-id'))).model).toBe('qwen-coder');
    const one = await fetch(`${s.gateway.url}/v1/models/claude-sonnet-4-5`, { headers: { 'x-api-key': s.dev.key } });
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: 'claude-sonnet-4-5', object: 'model' });
    expect((await fetch(`${s.gateway.url}/v1/models/qwen-coder`, { headers: { authorization: `Bearer ${s.dev.key}` } })).status).toBe(200);
    expect((await fetch(`${s.gateway.url}/v1/models/nope`, { headers: { authorization: `Bearer ${s.dev.key}` } })).status).toBe(404);
    const list: Json = await (await fetch(`${s.gateway.url}/v1/models`, { headers: { 'x-api-key': s.dev.key } })).json();
    expect(list.data.filter((m: { id: string }) => m.id === 'qwen-coder')).toHaveLength(1);
  });

  it('goes native at an openai-kind provider with options.messagesApi = native, authenticating with x-api-key', async () => {
    const res = await post('/v1/messages', { model: 'claude-direct', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(200);
    expect(s.anthropicNative.requests[0].path).toBe('/v1/messages');
    expect(s.anthropicNative.requests[0].headers['x-api-key']).toBe(s.anthropicNative.apiKey);
    expect(s.anthropicNative.requests[0].headers.authorization).toBeUndefined();
  });

  it('count_tokens: the provider counts where it serves Messages natively, else a local estimate; free, no usage event', async () => {
    const counter = await s.seed.developer();
    const native = await sdk(counter.key).messages.countTokens({ model: 'qwen-coder', messages: [{ role: 'user', content: 'one two three' }] });
    expect(native.input_tokens).toBe(6);
    expect(s.dashscope.requests[0].path).toBe('/apps/anthropic/v1/messages/count_tokens');
    const local = await post(
      '/v1/messages/count_tokens',
      { model: 'gpt-translated', messages: [{ role: 'user', content: 'one two three' }] },
      { 'x-api-key': counter.key },
    );
    expect(local.status).toBe(200);
    expect(local.headers.get('x-tollgate-estimated')).toBe('true');
    expect(((await local.json()) as Json).input_tokens).toBeGreaterThan(3);
    expect(s.openai.requests).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await s.seed.dataSource.query(`SELECT count(*)::int AS n FROM usage_events WHERE user_id = $1`, [counter.userId]))[0].n).toBe(0);
    expect((await post('/v1/messages/count_tokens', { model: 'qwen-coder', messages: [] })).status).toBe(400);
  });

  it('count_tokens: a provider that cannot count now (429, 5xx, refused credentials) gets the local estimate; its 400 is the client’s', async () => {
    const counter = await s.seed.developer();
    const count = () =>
      post('/v1/messages/count_tokens', { model: 'qwen-coder', messages: [{ role: 'user', content: 'one two three' }] }, { 'x-api-key': counter.key });
    const refusal = (status: number, type: string) => ({ type: 'error', status, body: { type: 'error', error: { type, message: type } } }) as const;
    for (const [status, type] of [
      [429, 'rate_limit_error'],
      [529, 'overloaded_error'],
      [401, 'authentication_error'],
    ] as const) {
      s.dashscope.mode = refusal(status, type);
      const res = await count();
      expect([status, res.status, res.headers.get('x-tollgate-estimated')]).toEqual([status, 200, 'true']);
      expect(((await res.json()) as Json).input_tokens).toBeGreaterThan(3);
    }
    s.dashscope.mode = refusal(400, 'invalid_request_error');
    const invalid = await count();
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as Json).error.type).toBe('invalid_request_error');
    expect(s.dashscope.requests.filter((r) => r.path.endsWith('/count_tokens'))).toHaveLength(4);
  });
});
