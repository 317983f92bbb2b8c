import { ChatToResponsesStream } from './chat-to-responses-stream';

const chunk = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const delta = (d: Record<string, unknown>, finish: string | null = null) =>
  chunk({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: d, finish_reason: finish }], usage: null });
const usageChunk = (usage: Record<string, unknown>) => chunk({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage });

interface Event {
  event: string;
  data: { type: string; sequence_number: number; [key: string]: unknown };
}

function parse(sse: string): Event[] {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) };
    });
}

/** Feeds the upstream stream in pieces of `size` bytes (1: byte by byte) and returns every event. */
function run(upstream: string, size = upstream.length): { events: Event[]; stream: ChatToResponsesStream } {
  const stream = new ChatToResponsesStream({ model: 'qwen-plus' }, 'resp_test', 1700000000);
  const bytes = Buffer.from(upstream);
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += stream.push(bytes.subarray(i, i + size));
  out += stream.end();
  return { events: parse(out), stream };
}

const TEXT_STREAM =
  delta({ role: 'assistant', content: '' }) +
  delta({ content: 'Hel' }) +
  delta({ content: 'lo ✓' }) +
  delta({}, 'stop') +
  usageChunk({
    prompt_tokens: 30,
    completion_tokens: 5,
    total_tokens: 35,
    prompt_tokens_details: { cached_tokens: 20 },
    completion_tokens_details: { reasoning_tokens: 0 },
  }) +
  'data: [DONE]\n\n';

describe('chat completions stream → Responses events', () => {
  it('emits the documented event sequence for a text answer, with usage on response.completed', () => {
    const { events, stream } = run(TEXT_STREAM);
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    events.forEach((e, i) => {
      expect(e.data.type).toBe(e.event);
      expect(e.data.sequence_number).toBe(i);
    });
    expect(events[0].data.response).toMatchObject({ id: 'resp_test', object: 'response', status: 'in_progress', model: 'qwen-plus', output: [], usage: null });
    expect(events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta)).toEqual(['Hel', 'lo ✓']);
    const itemId = (events[2].data.item as { id: string }).id;
    expect(events[6].data).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0, text: 'Hello ✓' });
    expect(events[8].data.item).toEqual({
      id: itemId,
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Hello ✓', annotations: [], logprobs: [] }],
    });
    const completed = events[9].data.response as Record<string, unknown>;
    expect(completed).toMatchObject({ id: 'resp_test', status: 'completed', output: [events[8].data.item] });
    expect(completed.usage).toEqual({
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 35,
    });
    expect(stream.usage).toEqual({ promptTokens: 30, completionTokens: 5, cachedTokens: 20, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 35 });
    expect(stream.deliveredText()).toBe('Hello ✓');
  });

  it('gives the same events whatever the chunking (byte by byte, across UTF-8 characters and event boundaries)', () => {
    const strip = (events: Event[]) => JSON.stringify(events).replace(/"(msg|fc|rs)_[0-9a-f]+"/g, '"id"');
    expect(strip(run(TEXT_STREAM, 1).events)).toBe(strip(run(TEXT_STREAM).events));
    expect(strip(run(TEXT_STREAM, 7).events)).toBe(strip(run(TEXT_STREAM).events));
  });

  it('carries any delta text intact: quotes, backslashes, newlines, line separators, emoji', () => {
    const nasty = ['say "hi"\\n', 'a\nb\r\n', '\u2028\u2029</script>', '😀 ✓ \u0000'];
    const upstream =
      nasty.map((text) => delta({ reasoning_content: text })).join('') +
      nasty.map((text) => delta({ content: text })).join('') +
      nasty
        .map((text, i) =>
          delta({ tool_calls: [{ index: 0, ...(i === 0 ? { id: 'call_a', function: { name: 'f', arguments: text } } : { function: { arguments: text } }) }] }),
        )
        .join('') +
      delta({}, 'tool_calls') +
      'data: [DONE]\n\n';
    const { events } = run(upstream);
    const deltas = (type: string) => events.filter((e) => e.event === type).map((e) => e.data.delta);
    expect(deltas('response.reasoning_summary_text.delta')).toEqual(nasty);
    expect(deltas('response.output_text.delta')).toEqual(nasty);
    expect(deltas('response.function_call_arguments.delta')).toEqual(nasty);
    expect(Object.keys(events.find((e) => e.event === 'response.output_text.delta')!.data)).toEqual([
      'type',
      'sequence_number',
      'item_id',
      'output_index',
      'content_index',
      'delta',
      'logprobs',
    ]);
    events.forEach((e, i) => expect(e.data.sequence_number).toBe(i));
  });

  it('streams each tool call as a function_call item with argument deltas', () => {
    const upstream =
      delta({ role: 'assistant', content: 'Checking.' }) +
      delta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'exec_command', arguments: '' } }] }) +
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"cmd":' } }] }) +
      delta({ tool_calls: [{ index: 0, function: { arguments: '"ls"}' } }] }) +
      delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"pwd"}' } }] }) +
      delta({}, 'tool_calls') +
      usageChunk({ prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 }) +
      'data: [DONE]\n\n';
    const { events } = run(upstream);
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const done = events.filter((e) => e.event === 'response.output_item.done').map((e) => e.data);
    expect(done[1]).toMatchObject({
      output_index: 1,
      item: { type: 'function_call', status: 'completed', call_id: 'call_a', name: 'exec_command', arguments: '{"cmd":"ls"}' },
    });
    expect(done[2]).toMatchObject({
      output_index: 2,
      item: { type: 'function_call', status: 'completed', call_id: 'call_b', name: 'exec_command', arguments: '{"cmd":"pwd"}' },
    });
    const completed = events[events.length - 1].data.response as { output: Array<{ type: string }>; usage: { input_tokens: number } };
    expect(completed.output.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call']);
    expect(completed.usage.input_tokens).toBe(50);
  });

  it('streams reasoning_content as a reasoning item with summary text before the answer', () => {
    const upstream =
      delta({ role: 'assistant', reasoning_content: 'Think' }) +
      delta({ reasoning_content: 'ing.' }) +
      delta({ content: 'Answer' }) +
      delta({}, 'stop') +
      usageChunk({ prompt_tokens: 10, completion_tokens: 9, total_tokens: 19, completion_tokens_details: { reasoning_tokens: 6 } }) +
      'data: [DONE]\n\n';
    const { events, stream } = run(upstream);
    expect(events.map((e) => e.event).slice(2, 10)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
    ]);
    expect(events[8].data.item).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] });
    expect(stream.usage).toMatchObject({ reasoningTokens: 6, completionTokens: 9 });
  });

  it('streams a refusal as a refusal part of the message', () => {
    const { events } = run(delta({ role: 'assistant', refusal: "I can't" }) + delta({ refusal: ' help with that.' }) + delta({}, 'stop') + 'data: [DONE]\n\n');
    expect(events.map((e) => e.event).slice(2)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[6].data).toMatchObject({ content_index: 0, refusal: "I can't help with that." });
    expect(events[8].data.item).toMatchObject({ type: 'message', status: 'completed', content: [{ type: 'refusal', refusal: "I can't help with that." }] });
  });

  it('counts the last usage when the provider repeats it cumulatively on every chunk (Huawei MaaS)', () => {
    const cumulative = (completion: number, d: Record<string, unknown>, finish: string | null = null) =>
      chunk({
        choices: [{ index: 0, delta: d, finish_reason: finish }],
        usage: { prompt_tokens: 12, completion_tokens: completion, total_tokens: 12 + completion },
      });
    const { events, stream } = run(cumulative(1, { content: 'a' }) + cumulative(2, { content: 'b' }) + cumulative(3, {}, 'stop') + 'data: [DONE]\n\n');
    expect(stream.usage).toMatchObject({ promptTokens: 12, completionTokens: 3, totalTokens: 15 });
    expect((events[events.length - 1].data.response as { usage: { output_tokens: number } }).usage.output_tokens).toBe(3);
  });

  it('ends as response.incomplete when the output limit stopped the answer, and closes without [DONE]', () => {
    const { events } = run(delta({ content: 'Par' }) + delta({}, 'length'));
    const last = events[events.length - 1];
    expect(last.event).toBe('response.incomplete');
    expect(last.data.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('turns an upstream error event into response.failed', () => {
    const { events, stream } = run(
      delta({ content: 'Hi' }) + chunk({ error: { code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.' } }),
    );
    const last = events[events.length - 1];
    expect(last.event).toBe('response.failed');
    expect(last.data.response).toMatchObject({
      status: 'failed',
      error: { code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.' },
    });
    expect(events.map((e) => e.event)).toContain('response.output_item.done');
    expect(stream.streamError).toBe('DataInspectionFailed');
  });

  it('fails a stream that ends before any answer', () => {
    const { events, stream } = run(delta({ role: 'assistant', content: '' }));
    expect(events.map((e) => e.event)).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect(stream.streamError).toBe('upstream_stream_interrupted');
  });

  it('tells a gateway-side failure mid-stream as response.failed, once', () => {
    const stream = new ChatToResponsesStream({ model: 'm' }, 'resp_x');
    stream.push(Buffer.from(delta({ content: 'Hi' })));
    const events = parse(stream.errorEvent({ status: 504, code: 'upstream_timeout', message: 'The provider did not answer in time.', param: null }));
    expect(events.map((e) => e.event)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.failed']);
    expect(stream.end()).toBe('');
  });
});
