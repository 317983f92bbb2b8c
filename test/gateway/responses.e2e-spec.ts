import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { FakeResponsesApi, fakeResponsesUsage } from '../fakes/fake-responses-api';
import { installToolChat, TOOL_CHAT_COMPLETION_TOKENS } from '../fakes/fake-tool-chat';
import { fakePromptTokens, FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';

interface EventRow {
  status: number;
  model: string | null;
  endpoint: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  estimated: boolean;
  error_code: string | null;
  ttft_ms: number | null;
  provider_id: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();

const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city.',
  strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('POST /v1/responses (OpenAI SDK, native and translated, real PostgreSQL)', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let dashscope: FakeProvider;
  let huawei: FakeProvider;
  let openaiTranslated: FakeProvider;
  let openaiNative: FakeProvider;
  let dev: Awaited<ReturnType<Seed['developer']>>;
  const providerIds: Record<string, string> = {};

  async function eventFor(requestId: string | null): Promise<EventRow> {
    expect(requestId).toBeTruthy();
    for (let i = 0; i < 100; i++) {
      const rows: EventRow[] = await seed.dataSource.query(
        `SELECT status, model, endpoint, stream, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens,
                estimated, error_code, ttft_ms, provider_id
         FROM usage_events WHERE id = $1`,
        [requestId],
      );
      if (rows[0]) return rows[0];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no usage event for ${requestId}`);
  }

  /** The key's usage events once `expected` have been written (events are batched), and a moment more for any extra. */
  async function eventCount(apiKeyId: string, expected: number): Promise<number> {
    const count = async (): Promise<number> =>
      (await seed.dataSource.query(`SELECT count(*)::int AS n FROM usage_events WHERE api_key_id = $1`, [apiKeyId]))[0].n;
    for (let i = 0; i < 200 && (await count()) < expected; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    return count();
  }

  const client = (key = dev.key) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const post = (body: unknown, key = dev.key) =>
    fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    [dashscope, huawei, openaiTranslated, openaiNative] = await Promise.all([
      FakeProvider.start('dashscope'),
      FakeProvider.start('huawei-maas'),
      FakeProvider.start('openai', { content: 'Hello from the translated openai provider.' }),
      FakeProvider.start('openai'),
    ]);
    FakeResponsesApi.install(dashscope, { unservedModels: ['qwen-mt-turbo'] });
    FakeResponsesApi.install(openaiNative, { content: 'Native openai Responses.' });
    for (const fake of [huawei, openaiTranslated]) installToolChat(fake);
    providerIds.dashscope = await seed.provider('dashscope', dashscope.baseUrl, dashscope.apiKey);
    providerIds.huawei = await seed.provider('huawei-maas', huawei.baseUrl, huawei.apiKey);
    providerIds.openaiTranslated = await seed.provider('openai', openaiTranslated.baseUrl, openaiTranslated.apiKey);
    providerIds.openaiNative = await seed.provider('openai', openaiNative.baseUrl, openaiNative.apiKey);
    await seed.dataSource.query(`UPDATE providers SET options = '{"responsesApi":"native"}' WHERE id = $1`, [providerIds.openaiNative]);
    await seed.model('qwen-native', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY', upstream: 'qwen3-max' });
    await seed.model('qwen-chat-only', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY', upstream: 'qwen-mt-turbo' });
    await seed.model('qwen-reasoner', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY' });
    await seed.model('deepseek-maas', providerIds.huawei, { input: '2', output: '8', currency: 'CNY', upstream: 'DeepSeek-V3' });
    await seed.model('gpt-translated', providerIds.openaiTranslated, { input: '1', output: '4', currency: 'USD' });
    await seed.model('gpt-native', providerIds.openaiNative, { input: '1', output: '4', currency: 'USD', upstream: 'gpt-5-mini' });
    // Per-model overrides of the provider's choice.
    await seed.model('qwen-via-chat', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY', upstream: 'qwen-plus' });
    await seed.model('gpt-native-model', providerIds.openaiTranslated, { input: '1', output: '4', currency: 'USD' });
    await seed.dataSource.query(`UPDATE models SET options = '{"responsesApi":"translated"}' WHERE name = 'qwen-via-chat'`);
    await seed.dataSource.query(`UPDATE models SET options = '{"responsesApi":"native"}' WHERE name = 'gpt-native-model'`);
    dev = await seed.developer();
    gateway = await startGateway(url, { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '2000', UPSTREAM_IDLE_TIMEOUT_MS: '2000' });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([dashscope, huawei, openaiTranslated, openaiNative].map((fake) => fake?.close()));
    await seed?.close();
  });

  beforeEach(() => {
    for (const fake of [dashscope, huawei, openaiTranslated, openaiNative]) fake.reset();
  });

  describe('native (DashScope /compatible-mode/v1/responses; openai kind with responsesApi: native)', () => {
    it('answers responses.create whole, passes the body through, and meters the provider usage (input incl. cached)', async () => {
      const body = { model: 'qwen-native', instructions: 'Answer briefly.', input: 'Say hello CACHED please', store: false, prompt_cache_key: 'k1' };
      const { data, response } = await client().responses.create(body).withResponse();
      expect(data.output_text).toBe('Hello from the native Responses API.');
      expect(response.headers.get('x-tollgate-ignored')).toBeNull();
      const upstream = dashscope.requests[0];
      expect(upstream.path).toBe('/compatible-mode/v1/responses');
      expect(upstream.headers.authorization).toBe(`Bearer ${dashscope.apiKey}`);
      expect(upstream.body).toEqual({ ...body, model: 'qwen3-max' });
      const usage = fakeResponsesUsage(body, 11);
      expect(usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
      expect(await eventFor(response.headers.get('x-request-id'))).toMatchObject({
        status: 200,
        endpoint: 'responses',
        stream: false,
        model: 'qwen-native',
        prompt_tokens: usage.input_tokens,
        cached_tokens: usage.input_tokens_details.cached_tokens,
        completion_tokens: 11,
        reasoning_tokens: 0,
        total_tokens: Number(usage.input_tokens) + 11,
        estimated: false,
        provider_id: providerIds.dashscope,
      });
    });

    it('streams the provider events through unchanged and reads usage (reasoning too) from response.completed', async () => {
      const body = { model: 'qwen-reasoner', input: [{ role: 'user' as const, content: 'Think then say hi' }], stream: true as const };
      const { data: stream, response } = await client().responses.create(body).withResponse();
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      expect(events.map((e) => e.type)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.reasoning_summary_part.added',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.done',
        'response.reasoning_summary_part.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const completed = events[events.length - 1] as { response: { usage: { input_tokens: number; output_tokens: number } } };
      const usage = fakeResponsesUsage(body, 11);
      expect(completed.response.usage).toEqual(usage);
      const row = await eventFor(response.headers.get('x-request-id'));
      expect(row).toMatchObject({
        status: 200,
        endpoint: 'responses',
        stream: true,
        prompt_tokens: usage.input_tokens,
        completion_tokens: 11,
        reasoning_tokens: 4,
        cached_tokens: 0,
        estimated: false,
      });
      expect(row.ttft_ms).not.toBeNull();
    });

    it('sends an openai-kind provider with responsesApi: native to its /responses endpoint', async () => {
      const { data } = await client().responses.create({ model: 'gpt-native', input: 'hi' }).withResponse();
      expect(data.output_text).toBe('Native openai Responses.');
      expect(openaiNative.requests.map((r) => r.path)).toEqual(['/v1/responses']);
      expect(openaiNative.requests[0].body.model).toBe('gpt-5-mini');
    });

    it('lets a model override its provider: translated at DashScope, native at a translated openai provider', async () => {
      const viaChat = await client().responses.create({ model: 'qwen-via-chat', input: 'hi' });
      expect(viaChat.output_text).toBe('Hello from the fake provider, streaming as the real one does.');
      expect(dashscope.requests.map((r) => r.path)).toEqual(['/compatible-mode/v1/chat/completions']);
      FakeResponsesApi.install(openaiTranslated, { content: 'Native for this model only.' });
      const native = await client().responses.create({ model: 'gpt-native-model', input: 'hi' });
      expect(native.output_text).toBe('Native for this model only.');
      expect(openaiTranslated.requests.map((r) => r.path)).toEqual(['/v1/responses']);
    });

    it('cancels the provider call when the client hangs up mid-stream, and meters it estimated', async () => {
      dashscope.mode = { type: 'slow-stream', chunkDelayMs: 200 };
      const res = await post({ model: 'qwen-native', input: 'Say hello', stream: true });
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
      const row = await eventFor(res.headers.get('x-request-id'));
      expect(row).toMatchObject({ status: 499, estimated: true, error_code: 'client_closed_request' });
      for (let i = 0; i < 40 && !dashscope.requests[0]?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(dashscope.requests[0].aborted).toBe(true);
    });

    it('falls back to translation when the native endpoint does not serve the model (404), metering one call', async () => {
      const { data, response } = await client().responses.create({ model: 'qwen-chat-only', input: 'hi', stream: true }).withResponse();
      let text = '';
      for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta;
      expect(text).toBe('Hello from the fake provider, streaming as the real one does.');
      expect(dashscope.requests.map((r) => r.path)).toEqual(['/compatible-mode/v1/responses', '/compatible-mode/v1/chat/completions']);
      const prompt = fakePromptTokens(dashscope.requests[1].body.messages);
      expect(await eventFor(response.headers.get('x-request-id'))).toMatchObject({
        status: 200,
        endpoint: 'responses',
        stream: true,
        prompt_tokens: prompt,
        completion_tokens: 12,
        estimated: false,
      });
    });

    it('passes previous_response_id to a provider that keeps responses, and its 400 back unchanged', async () => {
      const ok = await post({ model: 'qwen-native', input: 'again', previous_response_id: 'resp_abc' });
      expect(ok.status).toBe(200);
      const bad = await post({ model: 'qwen-native', input: 'again', previous_response_id: 'nope' });
      expect(bad.status).toBe(400);
      expect((await json(bad)).error.code).toBe('previous_response_not_found');
      expect(await eventFor(bad.headers.get('x-request-id'))).toMatchObject({ status: 400, error_code: 'previous_response_not_found', total_tokens: 0 });
    });

    it('meters a stream that ends in response.failed from its usage, with the failure code', async () => {
      const api = FakeResponsesApi.install(dashscope, { ending: 'failed' });
      try {
        const res = await post({ model: 'qwen-native', input: 'hi there', stream: true });
        const text = await res.text();
        expect(text).toContain('event: response.failed');
        expect(await eventFor(res.headers.get('x-request-id'))).toMatchObject({
          status: 200,
          error_code: 'server_error',
          prompt_tokens: 5,
          completion_tokens: 11,
          estimated: false,
        });
      } finally {
        api.reset();
        FakeResponsesApi.install(dashscope, { unservedModels: ['qwen-mt-turbo'] });
      }
    });
  });

  describe('translated to chat completions (Huawei MaaS; openai kind by default)', () => {
    it('answers responses.create whole from a chat completion, naming the ignored hints', async () => {
      const { data, response } = await client()
        .responses.create({
          model: 'deepseek-maas',
          instructions: 'Be brief.',
          input: 'Say hello',
          store: false,
          include: ['reasoning.encrypted_content'],
          prompt_cache_key: 's1',
        })
        .withResponse();
      expect(data.object).toBe('response');
      expect(data.status).toBe('completed');
      expect(data.model).toBe('deepseek-maas');
      expect(data.output_text).toBe('Hello from the fake provider, streaming as the real one does.');
      expect(response.headers.get('x-tollgate-ignored')).toBe('store, include, prompt_cache_key');
      const upstream = huawei.requests[0];
      expect(upstream.path).toBe('/v1/chat/completions');
      expect(upstream.body).toEqual({
        model: 'DeepSeek-V3',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
      });
      const prompt = fakePromptTokens(upstream.body.messages);
      expect(data.usage).toMatchObject({ input_tokens: prompt, output_tokens: 12, total_tokens: prompt + 12 });
      expect(await eventFor(response.headers.get('x-request-id'))).toMatchObject({
        status: 200,
        endpoint: 'responses',
        stream: false,
        prompt_tokens: prompt,
        completion_tokens: 12,
        total_tokens: prompt + 12,
        estimated: false,
        provider_id: providerIds.huawei,
      });
    });

    it('streams a translated answer as Responses events (Huawei cumulative usage: the last counts)', async () => {
      const { data: stream, response } = await client().responses.create({ model: 'deepseek-maas', input: 'Say hello CACHED', stream: true }).withResponse();
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const types = events.map((e) => e.type);
      expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
      expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
      const text = events
        .filter((e): e is Extract<ResponseStreamEvent, { type: 'response.output_text.delta' }> => e.type === 'response.output_text.delta')
        .map((e) => e.delta)
        .join('');
      expect(text).toBe('Hello from the fake provider, streaming as the real one does.');
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const upstream = huawei.requests[0].body;
      expect(upstream.stream_options).toEqual({ include_usage: true });
      const prompt = fakePromptTokens(upstream.messages);
      const completed = events[events.length - 1] as Extract<ResponseStreamEvent, { type: 'response.completed' }>;
      expect(completed.response.usage).toMatchObject({ input_tokens: prompt, output_tokens: 12, total_tokens: prompt + 12 });
      const row = await eventFor(response.headers.get('x-request-id'));
      expect(row).toMatchObject({ status: 200, endpoint: 'responses', stream: true, prompt_tokens: prompt, completion_tokens: 12, estimated: false });
      expect(row.ttft_ms).not.toBeNull();
    });

    it('round-trips a function tool, streamed: call → function_call_output → answer, one usage event per call', async () => {
      const openai = client();
      const input: ResponseInputItem[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await openai.responses.create({ model: 'gpt-translated', input, tools: [WEATHER_TOOL], stream: true }).withResponse();
      const events: ResponseStreamEvent[] = [];
      for await (const event of first.data) events.push(event);
      expect(events.map((e) => e.type)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const done = events[6] as Extract<ResponseStreamEvent, { type: 'response.output_item.done' }>;
      expect(done.item).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
      const call = done.item as Extract<ResponseInputItem, { type: 'function_call' }>;
      expect(openaiTranslated.requests[0].body.tools).toEqual([
        { type: 'function', function: { name: 'get_weather', description: 'The weather in a city.', parameters: WEATHER_TOOL.parameters } },
      ]);

      const second = await openai.responses
        .create({
          model: 'gpt-translated',
          input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: '18°C and sunny' }],
          tools: [WEATHER_TOOL],
        })
        .withResponse();
      expect(second.data.output_text).toBe('The tool said: 18°C and sunny');
      const messages = openaiTranslated.requests[1].body.messages;
      expect(messages).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: call.call_id, content: '18°C and sunny' },
      ]);
      const firstRow = await eventFor(first.response.headers.get('x-request-id'));
      const secondRow = await eventFor(second.response.headers.get('x-request-id'));
      expect(firstRow).toMatchObject({
        stream: true,
        prompt_tokens: fakePromptTokens(openaiTranslated.requests[0].body.messages),
        completion_tokens: TOOL_CHAT_COMPLETION_TOKENS,
      });
      expect(secondRow).toMatchObject({ stream: false, prompt_tokens: fakePromptTokens(messages), completion_tokens: TOOL_CHAT_COMPLETION_TOKENS });
    });

    it('refuses what cannot be translated with a 400 naming the field, in OpenAI error shape, metered once', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
        [{ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type'],
        [{ background: true }, 'background'],
        [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
      ];
      for (const [fields, param] of cases) {
        const res = await post({ model: 'deepseek-maas', input: 'hi', ...fields });
        expect(res.status).toBe(400);
        const body = await json(res);
        expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param });
        expect(await eventFor(res.headers.get('x-request-id'))).toMatchObject({
          status: 400,
          endpoint: 'responses',
          error_code: 'invalid_request',
          total_tokens: 0,
        });
      }
      expect(huawei.requests).toHaveLength(0);
      // background is refused on the native path too: the gateway keeps no responses to poll
      expect((await post({ model: 'qwen-native', input: 'hi', background: true })).status).toBe(400);
      expect(dashscope.requests).toHaveLength(0);
    });

    it('ends the client stream with response.failed when the provider dies mid-stream, metering what was delivered', async () => {
      huawei.mode = { type: 'die-mid-stream', afterChunks: 2 };
      const res = await post({ model: 'deepseek-maas', input: 'Say hello', stream: true });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('event: response.output_text.delta');
      expect(text).toMatch(/event: response\.failed\ndata: \{"type":"response\.failed".*"error":\{"code":"upstream_unavailable"/);
      const row = await eventFor(res.headers.get('x-request-id'));
      expect(row).toMatchObject({ status: 502, estimated: true, error_code: 'upstream_stream_interrupted' });
      expect(row.completion_tokens).toBeGreaterThan(0);
    });

    it('passes a provider error back in OpenAI shape', async () => {
      huawei.mode = { type: 'error', status: 429, body: { error_code: 'ModelArts.81101', error_msg: 'Too many requests.' } };
      const res = await post({ model: 'deepseek-maas', input: 'hi' });
      expect(res.status).toBe(429);
      expect((await json(res)).error).toMatchObject({ code: 'ModelArts.81101', message: 'Too many requests.' });
      expect(await eventFor(res.headers.get('x-request-id'))).toMatchObject({ status: 429, error_code: 'ModelArts.81101' });
    });
  });

  describe('same gate as chat completions', () => {
    it('refuses a missing key (401, OpenAI shape, no event), a model outside the allow-list (403) and an unknown model (404)', async () => {
      const anonymous = await fetch(`${gateway.url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'qwen-native', input: 'hi' }) });
      expect(anonymous.status).toBe(401);
      expect((await json(anonymous)).error.code).toBe('invalid_api_key');
      const limited = await seed.developer(['deepseek-maas']);
      const denied = await post({ model: 'qwen-native', input: 'hi' }, limited.key);
      expect(denied.status).toBe(403);
      expect((await json(denied)).error.code).toBe('model_not_allowed');
      const unknown = await post({ model: 'nope', input: 'hi' }, limited.key);
      expect(unknown.status).toBe(404);
      expect(await eventCount(limited.apiKeyId, 2)).toBe(2);
      expect(dashscope.requests).toHaveLength(0);
    });

    it('admits Responses calls against the same quotas (429 once the requests quota is used)', async () => {
      const capped = await seed.developer();
      await seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_requests) VALUES ('user', $1, 'day', 2)`, [capped.userId]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await post({ model: i % 2 ? 'deepseek-maas' : 'qwen-native', input: 'hi', max_output_tokens: 20 }, capped.key));
      expect(results.map((r) => r.status)).toEqual([200, 200, 429]);
      const error = (await json(results[2])).error;
      expect(error.code).toBe('quota_exceeded');
      expect(await eventCount(capped.apiKeyId, 3)).toBe(3);
    });
  });
});
