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
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': process.env.BENCH_LIMITED_RETRY_AFTER ?? '0.001', 'content-length': Buffer.byteLength(error) });
      res.end(error);
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
