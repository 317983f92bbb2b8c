import { DialectRequestError } from '../dialect';
import { chatToResponse } from './chat-to-response';
import { checkResponsesBody, estimateResponsesPromptTokens } from './responses-request';
import { responsesToChat } from './responses-to-chat';
import type { ResponsesBody } from './responses-wire';

const body = (fields: Record<string, unknown>): ResponsesBody => checkResponsesBody({ model: 'qwen-plus', input: 'Hi', ...fields });

function refusal(fn: () => unknown): { param: string | null; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof DialectRequestError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected a 400');
}

describe('Responses → chat completions', () => {
  it('turns a string input and instructions into a system and a user message, with the output limit and stream usage', () => {
    const { chat, ignored } = responsesToChat(body({ instructions: 'Be brief.', input: 'Hello there', stream: true, max_output_tokens: 50, temperature: 0.2 }));
    expect(chat).toEqual({
      model: 'qwen-plus',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      temperature: 0.2,
    });
    expect(ignored).toEqual([]);
  });

  it('translates what Codex sends: developer messages, tools, calls and their outputs; drops its hints and names them', () => {
    const { chat, ignored } = responsesToChat(
      body({
        input: [
          { type: 'message', id: 'msg_1', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
          { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Running ls.', annotations: [] }] },
          { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
          { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'exec_command', arguments: '{"cmd":"pwd"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'a.txt\nb.txt' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: '/tmp' }] },
        ],
        tools: [
          {
            type: 'function',
            name: 'exec_command',
            description: 'Runs a command.',
            strict: false,
            parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
          },
          { type: 'web_search', external_web_access: false },
          { type: 'namespace', name: 'multi_agent_v1', tools: [] },
        ],
        tool_choice: 'auto',
        parallel_tool_calls: true,
        reasoning: { summary: 'auto' },
        store: false,
        include: ['reasoning.encrypted_content'],
        prompt_cache_key: 'session-1',
        client_metadata: { 'x-codex-turn-metadata': '{}' },
        text: { verbosity: 'low' },
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'system', content: 'You are Codex.' },
      { role: 'user', content: 'List the files.' },
      {
        role: 'assistant',
        content: 'Running ls.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"ls"}' } },
          { id: 'call_2', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"pwd"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'a.txt\nb.txt' },
      { role: 'tool', tool_call_id: 'call_2', content: '/tmp' },
    ]);
    expect(chat.tools).toEqual([
      {
        type: 'function',
        function: { name: 'exec_command', description: 'Runs a command.', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
      },
    ]);
    expect(chat.tool_choice).toBe('auto');
    expect(chat.parallel_tool_calls).toBe(true);
    expect(ignored.sort()).toEqual(
      [
        'client_metadata',
        'include',
        'input[type=reasoning]',
        'prompt_cache_key',
        'reasoning',
        'store',
        'text.verbosity',
        'tools[type=namespace]',
        'tools[type=web_search]',
      ].sort(),
    );
  });

  it('translates images to image_url parts and a function tool_choice to the chat form', () => {
    const { chat } = responsesToChat(
      body({
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
              { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'auto' },
            ],
          },
        ],
        tools: [{ type: 'function', name: 'describe', parameters: { type: 'object', properties: {} } }],
        tool_choice: { type: 'function', name: 'describe' },
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      }),
    );
    expect(chat.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
    ]);
    expect(chat.tool_choice).toEqual({ type: 'function', function: { name: 'describe' } });
    expect(chat.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } });
  });

  it('folds the instructions and leading developer messages into one system message; later ones stay in place', () => {
    const { chat } = responsesToChat(
      body({
        instructions: 'Base.',
        input: [
          { role: 'developer', content: 'Rules.' },
          { role: 'system', content: [{ type: 'input_text', text: 'Env.' }] },
          { role: 'user', content: 'Go.' },
          { role: 'developer', content: 'Permissions changed.' },
        ],
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Base.\n\nRules.\n\nEnv.' },
      { role: 'user', content: 'Go.' },
      { role: 'system', content: 'Permissions changed.' },
    ]);
  });

  it('names unknown fields as ignored, and parallel_tool_calls without tools', () => {
    const { chat, ignored } = responsesToChat(body({ parallel_tool_calls: false, some_future_hint: 1, 'bad name\r\n': 2 }));
    expect(chat.parallel_tool_calls).toBeUndefined();
    expect(ignored.sort()).toEqual(['parallel_tool_calls', 'some_future_hint', 'unknown-field']);
  });

  it('keeps the text of a tool output and drops (and names) an image in it', () => {
    const { chat, ignored } = responsesToChat(
      body({
        input: [
          { type: 'function_call', call_id: 'c1', name: 'view_image', arguments: '{}' },
          {
            type: 'function_call_output',
            call_id: 'c1',
            output: [
              { type: 'input_text', text: 'image:' },
              { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
            ],
          },
        ],
      }),
    );
    expect(chat.messages[1]).toEqual({ role: 'tool', tool_call_id: 'c1', content: 'image:' });
    expect(ignored).toEqual(['function_call_output.output[type=input_image]']);
  });

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt'],
    [{ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type'],
    [{ tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'tools[0].type'],
    [
      {
        tools: [
          { type: 'function', name: 'f' },
          { type: 'mcp', server_label: 'x' },
        ],
      },
      'tools[1].type',
    ],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] }, 'input[0].content[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'input[0].content[0].file_id'],
    [{ input: [{ type: 'computer_call', id: 'x' }] }, 'input[0].type'],
    [{ text: { format: { type: 'grammar' } } }, 'text.format.type'],
  ])('refuses %j with a 400 naming %s', (fields, param) => {
    expect(refusal(() => responsesToChat(body(fields))).param).toBe(param);
  });

  it('accepts unset refusable fields (null, false)', () => {
    expect(() => responsesToChat(body({ previous_response_id: null, background: false, conversation: null }))).not.toThrow();
  });

  it.each([
    [{ input: [] }, 'input'],
    [{ input: 42 }, 'input'],
    [{ input: [{ content: 'no role' }] }, 'input[0]'],
    [{ stream: 'yes' }, 'stream'],
    [{ max_output_tokens: 0 }, 'max_output_tokens'],
    [{ tools: [{ type: 'function' }] }, 'tools[0].name'],
    [{ background: true }, 'background'],
    [{ reasoning: 'high' }, 'reasoning'],
  ])('checks the body: %j is a 400 naming %s', (fields, param) => {
    expect(refusal(() => checkResponsesBody({ model: 'm', input: 'x', ...fields })).param).toBe(param);
  });

  it('estimates prompt tokens from instructions and every item', () => {
    const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
    const estimate = estimateResponsesPromptTokens(
      body({
        instructions: 'one two',
        input: [
          { role: 'user', content: 'three four five' },
          { type: 'function_call_output', call_id: 'c', output: 'six' },
        ],
      }),
      words,
    );
    expect(estimate).toBe(3 + 4 + 2 + 4 + 3 + 4 + 1);
  });

  it('round-trips a tool call: the translated answer, sent back with its output, becomes the chat turn again', () => {
    const first = chatToResponse(
      {
        choices: [
          {
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
            },
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 },
      },
      { model: 'qwen-plus' },
    );
    const call = first.output[0];
    expect(call).toMatchObject({ type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    const { chat } = responsesToChat(
      body({ input: [{ role: 'user', content: 'Weather in Paris?' }, ...first.output, { type: 'function_call_output', call_id: 'call_9', output: '18°C' }] }),
    );
    expect(chat.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_9', content: '18°C' },
    ]);
  });
});

describe('chat completion → Response object', () => {
  it('carries text, reasoning and usage in the Responses meaning (input incl. cached, reasoning within output)', () => {
    const response = chatToResponse(
      {
        choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'Paris.', reasoning_content: 'The capital of France…' } }],
        usage: {
          prompt_tokens: 30,
          completion_tokens: 12,
          total_tokens: 42,
          prompt_tokens_details: { cached_tokens: 10 },
          completion_tokens_details: { reasoning_tokens: 8 },
        },
      },
      { model: 'qwen-plus', instructions: 'Be brief.' },
      'resp_1',
      1700000000,
    );
    expect(response).toMatchObject({
      id: 'resp_1',
      object: 'response',
      created_at: 1700000000,
      status: 'completed',
      model: 'qwen-plus',
      instructions: 'Be brief.',
      error: null,
    });
    expect(response.output).toEqual([
      { id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'The capital of France…' }] },
      {
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Paris.', annotations: [], logprobs: [] }],
      },
    ]);
    expect(response.usage).toEqual({
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens: 12,
      output_tokens_details: { reasoning_tokens: 8 },
      total_tokens: 42,
    });
  });

  it('marks a length stop as incomplete (max_output_tokens)', () => {
    const response = chatToResponse({ choices: [{ finish_reason: 'length', message: { content: 'Par' } }] }, { model: 'm' });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.usage).toBeNull();
  });
});
