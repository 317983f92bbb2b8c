import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { FakeResponsesApi, fakeResponsesUsage } from '../fakes/fake-responses-api';
import { fakePromptTokens } from '../support/fake-wire';
import { json, responsesScene } from './responses-scene';

/** Responses calls a provider serves natively, and the gate they share with chat completions; responses-translated covers translation. */
describe('POST /v1/responses (OpenAI SDK, real PostgreSQL)', () => {
  const { s, eventFor, eventCount, client, post } = responsesScene();

  describe('native (DashScope /compatible-mode/v1/responses; openai kind with responsesApi: native)', () => {
    it('answers responses.create whole, passes the body through, and meters the provider usage (input incl. cached)', async () => {
      const body = { model: 'qwen-native', instructions: 'Answer briefly.', input: 'Say hello CACHED please', store: false, prompt_cache_key: 'k1' };
      const { data, response } = await client().responses.create(body).withResponse();
      expect(data.output_text).toBe('Hello from the native Responses API.');
      expect(response.headers.get('x-tollgate-ignored')).toBeNull();
      const upstream = s.dashscope.requests[0];
      expect(upstream.path).toBe('/compatible-mode/v1/responses');
      expect(upstream.headers.authorization).toBe(`Bearer ${s.dashscope.apiKey}`);
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
        provider_id: s.providerIds.dashscope,
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
      expect(s.openaiNative.requests.map((r) => r.path)).toEqual(['/v1/responses']);
      expect(s.openaiNative.requests[0].body.model).toBe('gpt-5-mini');
    });

    it('lets a model override its provider: translated at DashScope, native at a translated openai provider', async () => {
      const viaChat = await client().responses.create({ model: 'qwen-via-chat', input: 'hi' });
      expect(viaChat.output_text).toBe('Hello from the fake provider, streaming as the real one does.');
      expect(s.dashscope.requests.map((r) => r.path)).toEqual(['/compatible-mode/v1/chat/completions']);
      FakeResponsesApi.install(s.openaiTranslated, { content: 'Native for this model only.' });
      const native = await client().responses.create({ model: 'gpt-native-model', input: 'hi' });
      expect(native.output_text).toBe('Native for this model only.');
      expect(s.openaiTranslated.requests.map((r) => r.path)).toEqual(['/v1/responses']);
    });

    it('cancels the provider call when the client hangs up mid-stream, and meters it estimated', async () => {
      s.dashscope.mode = { type: 'slow-stream', chunkDelayMs: 200 };
      const res = await post({ model: 'qwen-native', input: 'Say hello', stream: true });
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
      const row = await eventFor(res.headers.get('x-request-id'));
      expect(row).toMatchObject({ status: 499, estimated: true, error_code: 'client_closed_request' });
      for (let i = 0; i < 40 && !s.dashscope.requests[0]?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(s.dashscope.requests[0].aborted).toBe(true);
    });

    it('falls back to translation when the native endpoint does not serve the model (404), metering one call', async () => {
      const { data, response } = await client().responses.create({ model: 'qwen-chat-only', input: 'hi', stream: true }).withResponse();
      let text = '';
      for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta;
      expect(text).toBe('Hello from the fake provider, streaming as the real one does.');
      expect(s.dashscope.requests.map((r) => r.path)).toEqual(['/compatible-mode/v1/responses', '/compatible-mode/v1/chat/completions']);
      const prompt = fakePromptTokens(s.dashscope.requests[1].body.messages);
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
      const api = FakeResponsesApi.install(s.dashscope, { ending: 'failed' });
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
        FakeResponsesApi.install(s.dashscope, { unservedModels: ['qwen-mt-turbo'] });
      }
    });
  });

  describe('same gate as chat completions', () => {
    it('refuses a missing key (401, OpenAI shape, no event), a model outside the allow-list (403) and an unknown model (404)', async () => {
      const anonymous = await fetch(`${s.gateway.url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'qwen-native', input: 'hi' }) });
      expect(anonymous.status).toBe(401);
      expect((await json(anonymous)).error.code).toBe('invalid_api_key');
      const limited = await s.seed.developer(['deepseek-maas']);
      const denied = await post({ model: 'qwen-native', input: 'hi' }, limited.key);
      expect(denied.status).toBe(403);
      expect((await json(denied)).error.code).toBe('model_not_allowed');
      const unknown = await post({ model: 'nope', input: 'hi' }, limited.key);
      expect(unknown.status).toBe(404);
      expect(await eventCount(limited.apiKeyId, 2)).toBe(2);
      expect(s.dashscope.requests).toHaveLength(0);
    });

    it('admits Responses calls against the same quotas (429 once the requests quota is used)', async () => {
      const capped = await s.seed.developer();
      await s.seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_requests) VALUES ('user', $1, 'day', 2)`, [capped.userId]);
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
