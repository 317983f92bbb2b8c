import { DialectRequestError } from '../dialect';
import { ChatToMessagesStream } from './chat-to-messages';
import { messagesToChat } from './messages-to-chat';
import { MessagesStreamTap } from './messages-stream-tap';

const requestOf = (body: Record<string, unknown>) => ({
  body: { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], ...body },
  model: 'm',
  stream: true,
  promptTokens: 1,
  maxOutputTokens: 5,
});
const chunk = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const events = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((raw) => JSON.parse(raw.split('\n')[1].slice(6)) as { type: string; [key: string]: unknown });

describe('Messages ⇄ chat completions', () => {
  it('turns each chat chunk into Messages events as it arrives, even when chunks tear events and UTF-8', () => {
    const upstream = Buffer.from(
      chunk({ id: 'c1', choices: [{ index: 0, delta: { role: 'assistant', content: 'Grüß ' } }] }) +
        chunk({ id: 'c1', choices: [{ index: 0, delta: { content: 'dich' } }] }) +
        chunk({
          id: 'c1',
          choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] } }],
        }) +
        chunk({ id: 'c1', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } }] }) +
        chunk({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }) +
        chunk({ id: 'c1', choices: [], usage: { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35, prompt_tokens_details: { cached_tokens: 10 } } }) +
        'data: [DONE]\n\n',
    );
    const stream = new ChatToMessagesStream({ clientModel: 'claude-x', requestId: 'r1', request: requestOf({}) });
    let out = '';
    let firstOutputAt = -1;
    for (let i = 0; i < upstream.length; i++) {
      const piece = stream.push(upstream.subarray(i, i + 1));
      if (piece && firstOutputAt < 0) firstOutputAt = i;
      out += piece;
    }
    out += stream.end();
    // the first event is written as soon as the first chat chunk is complete, not at the end
    expect(firstOutputAt).toBeLessThan(upstream.indexOf('\n\n') + 2);
    const parsed = events(out);
    expect(parsed.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(parsed[2]).toMatchObject({ delta: { type: 'text_delta', text: 'Grüß ' } });
    expect(parsed[9]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 20, cache_read_input_tokens: 10, output_tokens: 5 } });
    expect(stream.usage).toEqual({ promptTokens: 30, completionTokens: 5, cachedTokens: 10, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 35 });
  });

  it('turns reasoning_content into a thinking block only for a client that asked for thinking', () => {
    const upstream = Buffer.from(
      chunk({ id: 'c2', choices: [{ index: 0, delta: { reasoning_content: 'Let me think.' } }] }) +
        chunk({ id: 'c2', choices: [{ index: 0, delta: { content: 'Answer.' }, finish_reason: 'stop' }] }),
    );
    const asked = new ChatToMessagesStream({ clientModel: 'm', requestId: 'r', request: requestOf({ thinking: { type: 'enabled', budget_tokens: 1024 } }) });
    const withThinking = events(asked.push(upstream) + asked.end());
    expect(withThinking[1]).toMatchObject({ type: 'content_block_start', index: 0, content_block: { type: 'thinking' } });
    expect(withThinking[2]).toMatchObject({ delta: { type: 'thinking_delta', thinking: 'Let me think.' } });
    expect(withThinking[4]).toMatchObject({ type: 'content_block_start', index: 1, content_block: { type: 'text' } });
    const plain = new ChatToMessagesStream({ clientModel: 'm', requestId: 'r', request: requestOf({}) });
    const withoutThinking = events(plain.push(upstream) + plain.end());
    expect(withoutThinking.filter((e) => e.type === 'content_block_start')).toHaveLength(1);
    expect(plain.deliveredText()).toBe('Let me think.Answer.');
  });

  it('reads native Messages usage: message_start input side, cumulative message_delta, cache reads and writes added to prompt', () => {
    const tap = new MessagesStreamTap();
    const sse = (event: string, data: unknown) => Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    tap.push(
      sse('message_start', {
        type: 'message_start',
        message: { usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 1 } },
      }),
    );
    tap.push(sse('message_delta', { type: 'message_delta', usage: { output_tokens: 7 } }));
    tap.push(sse('message_delta', { type: 'message_delta', usage: { output_tokens: 9, input_tokens: null } }));
    tap.end();
    expect(tap.usage).toEqual({ promptTokens: 125, completionTokens: 9, cachedTokens: 100, cacheWriteTokens: 20, reasoningTokens: 0, totalTokens: 134 });
  });

  it('refuses server tools and untranslatable blocks naming the field; names ignored hints', () => {
    const request = (body: Record<string, unknown>) => ({
      body: { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], ...body },
      model: 'm',
      stream: false,
      promptTokens: 1,
      maxOutputTokens: 5,
    });
    expect(() => messagesToChat(request({ tools: [{ type: 'bash_20250124', name: 'bash' }] }))).toThrow(DialectRequestError);
    try {
      messagesToChat(request({ mcp_servers: [] }));
    } catch (error) {
      expect((error as DialectRequestError).param).toBe('mcp_servers');
    }
    expect(messagesToChat(request({ thinking: { type: 'enabled' }, context_management: {} })).ignored).toEqual(['thinking', 'context_management']);
  });
});
