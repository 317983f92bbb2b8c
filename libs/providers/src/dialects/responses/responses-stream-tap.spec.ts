import { ResponsesStreamTap } from './responses-stream-tap';

const event = (type: string, payload: Record<string, unknown>, seq: number) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...payload })}\n\n`;
const usage = {
  input_tokens: 36,
  input_tokens_details: { cached_tokens: 12 },
  output_tokens: 87,
  output_tokens_details: { reasoning_tokens: 30 },
  total_tokens: 123,
};

function feed(stream: string, size: number): { tap: ResponsesStreamTap; out: Buffer } {
  const tap = new ResponsesStreamTap();
  const bytes = Buffer.from(stream);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(tap.push(bytes.subarray(i, i + size)));
  tap.end();
  return { tap, out: Buffer.concat(out) };
}

describe('native Responses stream tap', () => {
  const stream =
    event('response.created', { response: { id: 'resp_1', status: 'in_progress', usage: null } }, 0) +
    event('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hé' }, 1) +
    event('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta: '{"a":1}' }, 2) +
    event('response.completed', { response: { id: 'resp_1', status: 'completed', usage } }, 3);

  it.each([1, 5, 1000])('passes every byte through unchanged and reads usage from response.completed (chunks of %i)', (size) => {
    const { tap, out } = feed(stream, size);
    expect(out.toString()).toBe(stream);
    expect(tap.usage).toEqual({ promptTokens: 36, completionTokens: 87, cachedTokens: 12, cacheWriteTokens: 0, reasoningTokens: 30, totalTokens: 123 });
    expect(tap.deliveredText()).toBe('Hé{"a":1}');
    expect(tap.streamError).toBeNull();
  });

  it('reads usage from response.incomplete and response.failed, and the failure code', () => {
    expect(feed(event('response.incomplete', { response: { status: 'incomplete', usage } }, 0), 7).tap.usage?.totalTokens).toBe(123);
    const failed = feed(event('response.failed', { response: { status: 'failed', error: { code: 'server_error', message: 'x' }, usage } }, 0), 7).tap;
    expect(failed.usage?.promptTokens).toBe(36);
    expect(failed.streamError).toBe('server_error');
  });

  it('takes the code of an error event, and tells a gateway failure as one with the next sequence number', () => {
    const { tap } = feed(
      event('response.created', { response: {} }, 0) + event('error', { code: 'rate_limit_exceeded', message: 'slow down', param: null }, 1),
      3,
    );
    expect(tap.streamError).toBe('rate_limit_exceeded');
    expect(tap.usage).toBeNull();
    expect(tap.errorEvent({ status: 504, code: 'upstream_timeout', message: 'late', param: null })).toBe(
      'event: error\ndata: {"type":"error","sequence_number":2,"code":"upstream_timeout","message":"late","param":null}\n\n',
    );
  });
});
