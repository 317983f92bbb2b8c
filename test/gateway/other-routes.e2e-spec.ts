import OpenAI, { toFile } from 'openai';
import { createTestDatabase } from '@app/core/testing';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Legacy completions (hot path, streamed and not) and the pass-through routes (audio, images,
 * moderations, rerank): authenticated, allow-listed by the body's model, metered per request,
 * the caller's key swapped for the provider's.
 */
describe('completions and pass-through provider routes', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let openai: FakeProvider;
  let dashscope: FakeProvider;
  let dev: Awaited<ReturnType<Seed['developer']>>;

  async function eventFor(requestId: string | null): Promise<Json> {
    for (let i = 0; i < 100; i++) {
      const [row] = await seed.dataSource.query(
        `SELECT model, endpoint, status, stream, prompt_tokens, completion_tokens, total_tokens, estimated FROM usage_events WHERE id = $1`,
        [requestId],
      );
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no usage event for ${requestId}`);
  }

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    openai = await FakeProvider.start('openai');
    dashscope = await FakeProvider.start('dashscope');
    openai.on('POST', '/v1/completions', (_req, res, body: Json) => {
      const usage = { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 };
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'cmpl-1',
            object: 'text_completion',
            model: body.model,
            choices: [{ text: ' world', index: 0, finish_reason: 'stop' }],
            usage,
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'cmpl-1', object: 'text_completion', choices: [{ text: ' wor', index: 0, finish_reason: null }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ id: 'cmpl-1', object: 'text_completion', choices: [{ text: 'ld', index: 0, finish_reason: 'stop' }] })}\n\n`);
      if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id: 'cmpl-1', object: 'text_completion', choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
    openai.on('POST', '/v1/audio/speech', (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'x-request-id': 'req_tts' }).end(Buffer.from([0xff, 0xfb, 0x90, 0x00]));
    });
    openai.on('POST', '/v1/audio/transcriptions', (_req, res, raw) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          text: String(raw).includes('RIFF') ? 'hello from audio' : '?',
          usage: { type: 'tokens', input_tokens: 12, output_tokens: 4, total_tokens: 16 },
        }),
      );
    });
    openai.on('POST', '/v1/moderations', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'modr-1', results: [{ flagged: false }] })),
    );
    dashscope.on('POST', '/compatible-mode/v1/rerank', (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ results: [{ index: 0, relevance_score: 0.9 }], usage: { total_tokens: 11 } })),
    );
    const openaiId = await seed.provider('openai', openai.baseUrl, openai.apiKey);
    await seed.model('gpt-instruct', openaiId, { input: '1', output: '1', currency: 'USD', upstream: 'gpt-3.5-turbo-instruct' });
    await seed.model('tts-1', openaiId, { input: '1', output: '1', currency: 'USD' });
    await seed.model('whisper-1', openaiId, { input: '1', output: '1', currency: 'USD' });
    await seed.model('omni-moderation-latest', openaiId, { input: '0', output: '0', currency: 'USD' });
    const dashscopeId = await seed.provider('dashscope', dashscope.baseUrl, dashscope.apiKey);
    await seed.model('gte-rerank-v2', dashscopeId, { input: '0.8', output: '0', currency: 'CNY' });
    dev = await seed.developer(['gpt-instruct', 'tts-1', 'whisper-1', 'gte-rerank-v2']);
    gateway = await startGateway(url);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([openai?.close(), dashscope?.close()]);
    await seed?.close();
  });

  beforeEach(() => [openai, dashscope].forEach((fake) => fake.reset()));

  const client = () => new OpenAI({ apiKey: dev.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });

  it('forwards legacy completions, streamed (usage chunk hidden) and not, metered exactly', async () => {
    const { data, response } = await client().completions.create({ model: 'gpt-instruct', prompt: 'hello', max_tokens: 5 }).withResponse();
    expect(data.choices[0].text).toBe(' world');
    expect(openai.requests[0].body.model).toBe('gpt-3.5-turbo-instruct');
    expect(await eventFor(response.headers.get('x-request-id'))).toMatchObject({
      endpoint: 'completions',
      prompt_tokens: 4,
      completion_tokens: 3,
      estimated: false,
    });
    const { data: stream, response: streamed } = await client().completions.create({ model: 'gpt-instruct', prompt: 'hello', stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) {
      expect(chunk.choices.length).toBeGreaterThan(0);
      text += chunk.choices[0].text;
    }
    expect(text).toBe(' world');
    expect(await eventFor(streamed.headers.get('x-request-id'))).toMatchObject({ endpoint: 'completions', stream: true, total_tokens: 7, estimated: false });
  });

  it('passes audio speech through (binary), with the provider key and the model allow-list, one event per request', async () => {
    const res = await fetch(`${gateway.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tts-1', input: 'hi', voice: 'alloy' }),
    });
    expect(res.status).toBe(200);
    expect([...Buffer.from(await res.arrayBuffer())]).toEqual([0xff, 0xfb, 0x90, 0x00]);
    expect(res.headers.get('x-upstream-request-id')).toBe('req_tts');
    expect(openai.requests[0].headers.authorization).toBe(`Bearer ${openai.apiKey}`);
    expect(await eventFor(res.headers.get('x-request-id'))).toMatchObject({
      endpoint: 'audio.speech',
      model: 'tts-1',
      status: 200,
      total_tokens: 0,
      estimated: false,
    });
  });

  it('passes a multipart transcription through, finding the model in the form, metering the reported tokens', async () => {
    const { data, response } = await client()
      .audio.transcriptions.create({ model: 'whisper-1', file: await toFile(Buffer.from('RIFF....WAVEfmt '), 'a.wav') })
      .withResponse();
    expect(data.text).toBe('hello from audio');
    expect(await eventFor(response.headers.get('x-request-id'))).toMatchObject({
      endpoint: 'audio.transcriptions',
      model: 'whisper-1',
      prompt_tokens: 12,
      completion_tokens: 4,
      total_tokens: 16,
    });
  });

  it('routes rerank to the provider of the model (DashScope compatible mode), and refuses models outside the allow-list', async () => {
    const res = await fetch(`${gateway.url}/v1/rerank`, {
      method: 'POST',
      headers: { 'x-api-key': dev.key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gte-rerank-v2', query: 'q', documents: ['a'] }),
    });
    expect(res.status).toBe(200);
    expect(dashscope.requests[0].path).toBe('/compatible-mode/v1/rerank');
    expect(await eventFor(res.headers.get('x-request-id'))).toMatchObject({ endpoint: 'rerank', total_tokens: 11 });
    const refused = await fetch(`${gateway.url}/v1/moderations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'omni-moderation-latest', input: 'x' }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as Json).error.code).toBe('model_not_allowed');
    expect(openai.requests).toHaveLength(0);
    const anonymous = await fetch(`${gateway.url}/v1/moderations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'omni-moderation-latest', input: 'x' }),
    });
    expect(anonymous.status).toBe(401);
  });
});
