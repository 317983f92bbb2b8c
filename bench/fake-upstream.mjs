// A fast fake OpenAI-compatible provider for the benchmark, in its own process so the load
// generator, the upstream and the gateway under test do not share a CPU's event loop.
// Non-streaming answers a fixed completion with usage; streaming sends a few SSE chunks and,
// when asked (`stream_options.include_usage`), the usage chunk.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const USAGE = { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 };
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the benchmark upstream.' }, finish_reason: 'stop' }],
  usage: USAGE,
});
const chunk = (content, finish) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: [{ index: 0, delta: content ? { content } : {}, finish_reason: finish }], usage: null })}\n\n`;
const STREAM = [chunk('Hello', null), chunk(' from', null), chunk(' the', null), chunk(' benchmark.', null), chunk('', 'stop')];
const USAGE_CHUNK = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: [], usage: USAGE })}\n\n`;

// Anthropic Messages (for providers with a native Messages endpoint): the documented event stream.
const sse = (event, data) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const MESSAGES_STREAM = [
  sse('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_bench',
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'bench-model',
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 1 },
    },
  }),
  sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ...['Hello', ' from', ' the', ' benchmark.'].map((text) =>
    sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
  ),
  sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
  sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } }),
  sse('message_stop', { type: 'message_stop' }),
];

// OpenAI Responses (for providers with a native Responses endpoint): the documented event stream.
const responseObject = (status, output, usage) => ({ id: 'resp_bench', object: 'response', created_at: 1, status, model: 'bench-model', output, usage });
const RESPONSES_TEXT = 'Hello from the benchmark.';
const RESPONSES_ITEM = {
  id: 'msg_bench',
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text: RESPONSES_TEXT, annotations: [] }],
};
const RESPONSES_STREAM = [
  ['response.created', { response: responseObject('in_progress', [], null) }],
  ['response.in_progress', { response: responseObject('in_progress', [], null) }],
  ['response.output_item.added', { output_index: 0, item: { ...RESPONSES_ITEM, status: 'in_progress', content: [] } }],
  ['response.content_part.added', { item_id: 'msg_bench', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }],
  ...['Hello', ' from', ' the', ' benchmark.'].map((delta) => [
    'response.output_text.delta',
    { item_id: 'msg_bench', output_index: 0, content_index: 0, delta },
  ]),
  ['response.output_text.done', { item_id: 'msg_bench', output_index: 0, content_index: 0, text: RESPONSES_TEXT }],
  ['response.content_part.done', { item_id: 'msg_bench', output_index: 0, content_index: 0, part: RESPONSES_ITEM.content[0] }],
  ['response.output_item.done', { output_index: 0, item: RESPONSES_ITEM }],
  [
    'response.completed',
    {
      response: responseObject('completed', [RESPONSES_ITEM], {
        input_tokens: 9,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 12,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 21,
      }),
    },
  ],
].map(([type, data], sequence) => sse(type, { type, sequence_number: sequence, ...data }));

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    } catch {
      // benchmark bodies are valid
    }
    // An upstream account that is always rate-limited (the failover benchmark's limited account).
    if (req.headers.authorization === 'Bearer sk-bench-limited') {
      const error = JSON.stringify({ error: { message: 'Requests rate limit exceeded', type: 'limit_requests', code: 'limit_requests' } });
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': process.env.BENCH_LIMITED_RETRY_AFTER ?? '0.001',
        'content-length': Buffer.byteLength(error),
      });
      res.end(error);
      return;
    }
    if (req.url.endsWith('/responses') && body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of RESPONSES_STREAM) res.write(event);
      res.end();
      return;
    }
    if (req.url.endsWith('/messages') && body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of MESSAGES_STREAM) res.write(event);
      res.end();
      return;
    }
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of STREAM) res.write(event);
      if (body.stream_options?.include_usage) res.write(USAGE_CHUNK);
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
    res.end(COMPLETION);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.send?.({ port: server.address().port }) ?? console.log(server.address().port));
