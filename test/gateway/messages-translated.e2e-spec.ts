import { messagesScene, weatherTool } from './messages-scene';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Messages calls translated to chat completions for a provider that does not serve them natively; messages-native covers the rest. */
describe('Anthropic Messages through the gateway, translated to chat completions (real PostgreSQL)', () => {
  const { s, eventFor, sdk, post } = messagesScene();

  it('translates to chat completions for an openai-kind provider: a tool round trip, not streamed', async () => {
    const first = await sdk().messages.create({
      model: 'gpt-translated',
      max_tokens: 200,
      system: 'You are terse.',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const chat = s.openai.requests[0];
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
    expect(s.openai.requests[1].body.messages.slice(1)).toEqual([
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
    expect(s.openai.requests[0].body.stream_options).toEqual({ include_usage: true });

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
    expect(s.openai.requests).toHaveLength(1);
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
    expect(s.openai.requests[0].body.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ]);
  });

  it("translated errors come back in Anthropic's shape", async () => {
    s.openai.mode = {
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

  it('falls back to translation when the native endpoint does not serve the model (404), streamed and not', async () => {
    const res = await post('/v1/messages', { model: 'qwen-chat-only', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).content[0].text).toBe('Hello from the fake provider, streaming as the real one does.');
    expect(s.dashscope.requests.map((r) => r.path)).toEqual(['/apps/anthropic/v1/messages', '/compatible-mode/v1/chat/completions']);
    const stream = await sdk()
      .messages.stream({ model: 'qwen-chat-only', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .finalMessage();
    expect(stream.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake provider, streaming as the real one does.' });
  });
});
