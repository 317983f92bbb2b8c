import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { TOOL_CHAT_COMPLETION_TOKENS } from '../fakes/fake-tool-chat';
import { fakePromptTokens } from '../support/fake-wire';
import { json, responsesScene, WEATHER_TOOL } from './responses-scene';

/** Responses calls translated to chat completions (Huawei MaaS; openai kind by default); responses-native covers the rest. */
describe('POST /v1/responses (OpenAI SDK, real PostgreSQL)', () => {
  const { s, eventFor, client, post } = responsesScene();

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
      const upstream = s.huawei.requests[0];
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
        provider_id: s.providerIds.huawei,
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
      const upstream = s.huawei.requests[0].body;
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
      expect(s.openaiTranslated.requests[0].body.tools).toEqual([
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
      const messages = s.openaiTranslated.requests[1].body.messages;
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
        prompt_tokens: fakePromptTokens(s.openaiTranslated.requests[0].body.messages),
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
      expect(s.huawei.requests).toHaveLength(0);
      // background is refused on the native path too: the gateway keeps no responses to poll
      expect((await post({ model: 'qwen-native', input: 'hi', background: true })).status).toBe(400);
      expect(s.dashscope.requests).toHaveLength(0);
    });

    it('ends the client stream with response.failed when the provider dies mid-stream, metering what was delivered', async () => {
      s.huawei.mode = { type: 'die-mid-stream', afterChunks: 2 };
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
      s.huawei.mode = { type: 'error', status: 429, body: { error_code: 'ModelArts.81101', error_msg: 'Too many requests.' } };
      const res = await post({ model: 'deepseek-maas', input: 'hi' });
      expect(res.status).toBe(429);
      expect((await json(res)).error).toMatchObject({ code: 'ModelArts.81101', message: 'Too many requests.' });
      expect(await eventFor(res.headers.get('x-request-id'))).toMatchObject({ status: 429, error_code: 'ModelArts.81101' });
    });
  });
});
