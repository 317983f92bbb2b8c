import { SseUsageTap } from './sse-usage-tap';

const chunk = (content: string) =>
  `data: {"choices":[{"delta":{"content":"${content}"},"index":0,"finish_reason":null}],"object":"chat.completion.chunk","usage":null}\n\n`;
const usageChunk = (prompt: number, completion: number) =>
  `data: {"choices":[],"object":"chat.completion.chunk","usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion},"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":1}}}\n\n`;

function run(tap: SseUsageTap, parts: string[]): string {
  let out = '';
  for (const part of parts) out += tap.push(Buffer.from(part)).toString();
  return out + tap.end();
}

describe('SseUsageTap', () => {
  it('hides the usage chunk the gateway asked for, and keeps its counts', () => {
    const tap = new SseUsageTap(true);
    const out = run(tap, [chunk('Hel'), chunk('lo'), usageChunk(9, 2), 'data: [DONE]\n\n']);
    expect(out).toBe(chunk('Hel') + chunk('lo') + 'data: [DONE]\n\n');
    expect(tap.usage).toEqual({ promptTokens: 9, completionTokens: 2, cachedTokens: 2, cacheWriteTokens: 0, reasoningTokens: 1, totalTokens: 11 });
  });

  it('passes every byte through when the client asked for usage itself', () => {
    const tap = new SseUsageTap(false);
    const stream = chunk('a') + usageChunk(3, 1) + 'data: [DONE]\n\n';
    // split at awkward places, including inside a multi-byte character
    const bytes = Buffer.from(stream.replace('"a"', '"你"'));
    let out = Buffer.alloc(0);
    for (let i = 0; i < bytes.length; i += 7) out = Buffer.concat([out, Buffer.from(tap.push(bytes.subarray(i, i + 7)))]);
    tap.end();
    expect(out.toString()).toBe(stream.replace('"a"', '"你"'));
    expect(tap.usage?.totalTokens).toBe(4);
  });

  it('reassembles events split across chunks before deciding to hide them', () => {
    const tap = new SseUsageTap(true);
    const usage = usageChunk(5, 5);
    const out = run(tap, [chunk('x') + usage.slice(0, 20), usage.slice(20), 'data: [DONE]\n\n']);
    expect(out).toBe(chunk('x') + 'data: [DONE]\n\n');
    expect(tap.usage?.totalTokens).toBe(10);
  });

  it('takes the last cumulative usage (Huawei MaaS), never the sum', () => {
    const tap = new SseUsageTap(false);
    const huawei = (n: number) =>
      `data: {"id":"chat-1","choices":[{"index":0,"delta":{"content":"w"}}],"usage":{"prompt_tokens":7,"completion_tokens":${n},"total_tokens":${7 + n}}}\n\n`;
    run(tap, [huawei(1), huawei(2), huawei(3), 'data: [DONE]\n\n']);
    expect(tap.usage).toMatchObject({ promptTokens: 7, completionTokens: 3, totalTokens: 10 });
  });

  it('forwards the same bytes whatever the chunking, split inside events and inside characters', () => {
    // an event may even start with a multi-byte character (an unknown field, which clients ignore)
    const shown = chunk('你好') + chunk('é🙂') + ': comment\n\n' + '字段: x\n\n';
    const stream = Buffer.from(shown + usageChunk(4, 3) + 'data: [DONE]\n\n');
    const expected = Buffer.from(shown + 'data: [DONE]\n\n');
    for (let at = 1; at < stream.length; at++) {
      for (const width of [at, 3]) {
        const tap = new SseUsageTap(true);
        const parts: Buffer[] = [];
        for (let i = 0; i < stream.length; i += width) parts.push(Buffer.from(tap.push(stream.subarray(i, i + width))));
        parts.push(Buffer.from(tap.end()));
        expect(Buffer.concat(parts).equals(expected)).toBe(true);
        expect(tap.usage?.totalTokens).toBe(7);
      }
    }
    // a character's bytes one chunk each, the last with the rest of its event
    const tap = new SseUsageTap(true);
    const field = Buffer.from('字段: x\n\n');
    const out = [field.subarray(0, 1), field.subarray(1, 2), field.subarray(2)].map((part) => Buffer.from(tap.push(part)));
    expect(Buffer.concat(out).toString()).toBe('字段: x\n\n');
  });

  it('passes a chunk of whole events on as the provider sent it, and still sees an error event in one', () => {
    const tap = new SseUsageTap(true);
    const plain = Buffer.from(chunk('a') + chunk('b'));
    expect(tap.push(plain)).toBe(plain); // the same buffer: nothing split or re-encoded
    const failed = Buffer.from(chunk('c') + 'data: {"error":{"code":"overloaded","message":"busy"}}\n\n');
    expect(tap.push(failed).toString()).toBe(failed.toString());
    expect(tap.streamError).toBe('overloaded');
    expect(tap.deliveredText()).toBe('abc');
  });

  it('remembers what was delivered for estimates when usage never arrives', () => {
    const tap = new SseUsageTap(true);
    run(tap, [chunk('Hello'), chunk(' world')]);
    expect(tap.usage).toBeNull();
    expect(tap.deliveredText()).toBe('Hello world');
  });
});
