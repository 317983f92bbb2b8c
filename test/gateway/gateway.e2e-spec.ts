import OpenAI from 'openai';
import { createTestDatabase, waitFor } from '@app/core/testing';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';

interface EventRow {
  id: string;
  status: number;
  model: string | null;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost: string;
  currency: string | null;
  estimated: boolean;
  error_code: string | null;
  ttft_ms: number | null;
  user_id: string;
  department_id: string;
  provider_id: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();

describe('gateway (real PostgreSQL, fake providers on loopback)', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let openaiFake: FakeProvider;
  let dashscopeFake: FakeProvider;
  let huaweiFake: FakeProvider;
  let dev: Awaited<ReturnType<Seed['developer']>>;
  let openaiProviderId: string;

  async function eventFor(requestId: string | null): Promise<EventRow> {
    expect(requestId).toBeTruthy();
    for (let i = 0; i < 100; i++) {
      const rows: EventRow[] = await seed.dataSource.query(
        `SELECT id, status, model, stream, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens,
                cost::text, currency, estimated, error_code, ttft_ms, user_id, department_id, provider_id
         FROM usage_events WHERE id = $1`,
        [requestId],
      );
      if (rows[0]) return rows[0];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no usage event for ${requestId}`);
  }

  const client = (key = dev.key) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const post = (path: string, body: unknown, key = dev.key) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    [openaiFake, dashscopeFake, huaweiFake] = await Promise.all([
      FakeProvider.start('openai'),
      FakeProvider.start('dashscope'),
      FakeProvider.start('huawei-maas'),
    ]);
    openaiProviderId = await seed.provider('openai', openaiFake.baseUrl, openaiFake.apiKey);
    await seed.model('gpt-test', openaiProviderId, { input: '2.5', output: '10', cached: '1.25', currency: 'USD', upstream: 'gpt-4o-mini' });
    await seed.model('gpt-reasoner', openaiProviderId, { input: '1', output: '4', currency: 'USD' });
    const dashscopeId = await seed.provider('dashscope', dashscopeFake.baseUrl, dashscopeFake.apiKey);
    await seed.model('qwen-plus', dashscopeId, { input: '0.8', output: '2', currency: 'CNY' });
    await seed.model('text-embedding-v4', dashscopeId, { input: '0.5', output: '0', currency: 'CNY' });
    const huaweiId = await seed.provider('huawei-maas', huaweiFake.baseUrl, huaweiFake.apiKey);
    await seed.model('DeepSeek-V3', huaweiId, { input: '2', output: '8', currency: 'CNY' });
    dev = await seed.developer();
    gateway = await startGateway(url, { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '800', UPSTREAM_IDLE_TIMEOUT_MS: '800' });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([openaiFake?.close(), dashscopeFake?.close(), huaweiFake?.close()]);
    await seed?.close();
  });

  beforeEach(() => {
    for (const fake of [openaiFake, dashscopeFake, huaweiFake]) fake.reset();
  });

  it('serves a non-streaming chat completion through the OpenAI SDK and meters the exact tokens and cost', async () => {
    const messages = [{ role: 'user' as const, content: 'Say hello to the CACHED gateway please' }];
    const { data, response } = await client().chat.completions.create({ model: 'gpt-test', messages }).withResponse();
    expect(data.choices[0].message.content).toBeTruthy();
    const event = await eventFor(response.headers.get('x-request-id'));
    const upstream = openaiFake.requests[0];
    expect(upstream.body.model).toBe('gpt-4o-mini'); // the model's upstream name
    expect(upstream.headers.authorization).toBe(`Bearer ${openaiFake.apiKey}`); // the provider's key, never the caller's
    expect(data.usage).toBeDefined();
    const usage = data.usage!;
    expect(event).toMatchObject({
      status: 200,
      model: 'gpt-test',
      stream: false,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      total_tokens: usage.total_tokens,
      currency: 'USD',
      estimated: false,
      user_id: dev.userId,
      department_id: dev.departmentId,
      provider_id: openaiProviderId,
    });
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(0);
    const expected = ((usage.prompt_tokens - cached) * 2.5 + cached * 1.25 + usage.completion_tokens * 10) / 1e6;
    expect(Number(event.cost)).toBeCloseTo(expected, 12);
  });

  it('streams chunk by chunk, hides the usage chunk the client did not ask for, and still meters it', async () => {
    const { data: stream, response } = await client()
      .chat.completions.create({ model: 'qwen-plus', messages: [{ role: 'user', content: 'one two three' }], stream: true })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true); // no choices:[] usage chunk
    expect(chunks.some((c) => c.usage)).toBe(false);
    const upstream = dashscopeFake.requests[0];
    expect(upstream.path).toBe('/compatible-mode/v1/chat/completions');
    expect(upstream.body.stream_options).toEqual({ include_usage: true });
    const event = await eventFor(response.headers.get('x-request-id'));
    expect(event).toMatchObject({ status: 200, stream: true, estimated: false, currency: 'CNY' });
    expect(event.prompt_tokens).toBe(3 + 3); // the fake counts words + 3 per message
    expect(event.completion_tokens).toBe(12);
    expect(event.ttft_ms).not.toBeNull();
    expect(Number(event.cost)).toBeCloseTo((6 * 0.8 + 12 * 2) / 1e6, 12);
  });

  it('passes the usage chunk through when the client asked for it', async () => {
    const { data: stream, response } = await client()
      .chat.completions.create({
        model: 'qwen-plus',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.total_tokens).toBeGreaterThan(0);
    const event = await eventFor(response.headers.get('x-request-id'));
    expect(event.total_tokens).toBe(usage!.total_tokens);
  });

  it('takes Huawei MaaS cumulative stream usage as last-wins, never the sum', async () => {
    const { data: stream, response } = await client()
      .chat.completions.create({ model: 'DeepSeek-V3', messages: [{ role: 'user', content: 'a b c d' }], stream: true })
      .withResponse();
    let last: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) last = chunk.usage;
    const event = await eventFor(response.headers.get('x-request-id'));
    expect(huaweiFake.requests[0].path).toBe('/v1/chat/completions');
    expect(event.completion_tokens).toBe(12);
    expect(event.prompt_tokens).toBe(4 + 3);
    if (last) expect(event.total_tokens).toBe(last.total_tokens);
  });

  it('meters reasoning tokens', async () => {
    const { response } = await client()
      .chat.completions.create({ model: 'gpt-reasoner', messages: [{ role: 'user', content: 'think' }] })
      .withResponse();
    const event = await eventFor(response.headers.get('x-request-id'));
    expect(event.reasoning_tokens).toBe(6);
    expect(event.completion_tokens).toBe(12);
  });

  it('forwards embeddings and meters them', async () => {
    const { data, response } = await client().embeddings.create({ model: 'text-embedding-v4', input: 'embed these five words' }).withResponse();
    expect(data.data[0].embedding.length).toBeGreaterThan(0);
    const event = await eventFor(response.headers.get('x-request-id'));
    expect(dashscopeFake.requests[0].path).toBe('/compatible-mode/v1/embeddings');
    expect(event).toMatchObject({ status: 200, prompt_tokens: 4, total_tokens: 4, completion_tokens: 0 });
  });

  it('lists only the models the caller may use', async () => {
    const restricted = await seed.developer(['qwen-plus']);
    const all = await client().models.list();
    expect(all.data.map((m) => m.id)).toEqual(expect.arrayContaining(['gpt-test', 'qwen-plus', 'DeepSeek-V3']));
    const mine = await client(restricted.key).models.list();
    expect(mine.data.map((m) => m.id)).toEqual(['qwen-plus']);
    const refused = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }, restricted.key);
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('model_not_allowed');
    const event = await eventFor(refused.headers.get('x-request-id'));
    expect(event).toMatchObject({ status: 403, error_code: 'model_not_allowed', total_tokens: 0 });
  });

  it('refuses unknown, malformed and unauthenticated calls in OpenAI’s envelope, metering the authenticated ones', async () => {
    const noKey = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    expect((await json(noKey)).error.code).toBe('invalid_api_key');
    expect(noKey.headers.get('x-request-id')).toBeTruthy();

    const unknown = await post('/v1/chat/completions', { model: 'nope', messages: [{ role: 'user', content: 'x' }] });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect((await eventFor(unknown.headers.get('x-request-id'))).error_code).toBe('model_not_found');

    const badJson = await post('/v1/chat/completions', '{"model": "gpt-test", "messages": [');
    expect(badJson.status).toBe(400);
    expect((await json(badJson)).error.code).toBe('invalid_request');
    expect((await eventFor(badJson.headers.get('x-request-id'))).status).toBe(400);

    const badField = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], max_tokens: 'lots' });
    expect(badField.status).toBe(400);
    expect((await json(badField)).error.param).toBe('max_tokens');
    expect(openaiFake.requests).toHaveLength(0);
  });

  it('passes provider errors through with their status and body, and meters them', async () => {
    const body = { error: { message: 'You have exceeded your current request limit.', type: 'limit_requests', code: 'limit_requests' } };
    dashscopeFake.mode = { type: 'error', status: 429, body };
    const res = await post('/v1/chat/completions', { model: 'qwen-plus', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(429);
    expect(await json(res)).toEqual(body);
    const event = await eventFor(res.headers.get('x-request-id'));
    expect(event).toMatchObject({ status: 429, error_code: 'limit_requests', total_tokens: 0, cost: '0' });
  });

  it('answers 504 upstream_timeout when the provider hangs', async () => {
    openaiFake.mode = { type: 'hang' };
    const res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(504);
    expect((await json(res)).error.code).toBe('upstream_timeout');
    expect((await eventFor(res.headers.get('x-request-id'))).status).toBe(504);
  });

  it('ends the client stream cleanly when the provider dies mid-stream, metering what was delivered as estimated', async () => {
    openaiFake.mode = { type: 'die-mid-stream', afterChunks: 2 };
    const res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"code":"upstream_unavailable"');
    const event = await eventFor(res.headers.get('x-request-id'));
    expect(event).toMatchObject({ status: 502, estimated: true, error_code: 'upstream_stream_interrupted' });
    expect(event.completion_tokens).toBeGreaterThan(0);
  });

  it('cancels the provider call when the client hangs up mid-stream, and meters it estimated', async () => {
    openaiFake.mode = { type: 'slow-stream', chunkDelayMs: 200 };
    const controller = new AbortController();
    const res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], stream: true }).then((r) => r);
    const requestId = res.headers.get('x-request-id');
    const reader = res.body!.getReader();
    await reader.read(); // first chunk arrived
    await reader.cancel();
    controller.abort();
    const event = await eventFor(requestId);
    expect(event).toMatchObject({ status: 499, estimated: true, error_code: 'client_closed_request' });
    for (let i = 0; i < 40 && !openaiFake.requests[0]?.aborted; i++) await new Promise((r) => setTimeout(r, 50));
    expect(openaiFake.requests[0].aborted).toBe(true);
  });

  it('stops accepting a revoked key within a second', async () => {
    const other = await seed.developer();
    const ok = await post('/v1/chat/completions', { model: 'qwen-plus', messages: [{ role: 'user', content: 'x' }] }, other.key);
    expect(ok.status).toBe(200);
    await seed.dataSource.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [other.apiKeyId]);
    // the change feed tells the key cache within moments; no restart, no TTL to wait out
    const refused = await waitFor(
      async () => {
        const res = await post('/v1/chat/completions', { model: 'qwen-plus', messages: [{ role: 'user', content: 'x' }] }, other.key);
        return res.status === 401 ? res : undefined;
      },
      'the revoked key to be refused',
      { timeoutMs: 3_000, intervalMs: 50 },
    );
    expect(refused.status).toBe(401);
  });

  it('keeps secrets out of responses', async () => {
    const res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    const text = await res.text();
    expect(text).not.toContain(openaiFake.apiKey);
    expect(JSON.stringify([...res.headers.entries()])).not.toContain(openaiFake.apiKey);
  });

  it('stops a developer exactly at a daily token quota with a clear 429 and Retry-After', async () => {
    const capped = await seed.developer();
    // each call: 3 + 3 prompt tokens estimated locally (small), max_tokens 20 reserved, 12 used
    await seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_requests) VALUES ('user', $1, 'day', 3)`, [capped.userId]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const body = { model: 'qwen-plus', messages: [{ role: 'user', content: 'x' }], max_tokens: 20 };
    const results = await Promise.all(Array.from({ length: 8 }, () => post('/v1/chat/completions', body, capped.key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    const error = (await json(refused[0])).error;
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toMatch(/^user day request quota exceeded: limit 3, used \d+$/);
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThan(0);
    const event = await eventFor(refused[0].headers.get('x-request-id'));
    expect(event).toMatchObject({ status: 429, error_code: 'quota_exceeded', total_tokens: 0 });
  });

  it('answers /healthz with the database state', async () => {
    const res = await fetch(`${gateway.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ok', database: 'up' });
  });
});
