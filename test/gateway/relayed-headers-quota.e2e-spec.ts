import OpenAI from 'openai';
import { createTestDatabase } from '@app/core/testing';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * What SDKs need to back off well: the provider's rate-limit and retry headers and its request
 * id on chat completions, and a quota 429 that says what was used (committed plus in flight) and
 * tells SDKs not to retry for hours.
 */
describe('relayed provider headers and quota refusals', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let openai: FakeProvider;
  let dev: Awaited<ReturnType<Seed['developer']>>;
  let limited: Awaited<ReturnType<Seed['developer']>>;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    openai = await FakeProvider.start('openai');
    const providerId = await seed.provider('openai', openai.baseUrl, openai.apiKey);
    await seed.model('gpt-test', providerId, { input: '1', output: '1', currency: 'USD' });
    dev = await seed.developer();
    limited = await seed.developer();
    await seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_requests) VALUES ('user', $1, 'month', 2)`, [limited.userId]);
    gateway = await startGateway(url);
  });

  afterAll(async () => {
    await gateway?.close();
    await openai?.close();
    await seed?.close();
  });

  beforeEach(() => openai.reset());

  it("passes the provider's retry-after, retry-after-ms and x-ratelimit-* headers and its request id back unchanged", async () => {
    openai.mode = {
      type: 'error',
      status: 429,
      body: { error: { message: 'Rate limit reached for gpt-4o', type: 'tokens', param: null, code: 'rate_limit_exceeded' } },
      headers: {
        'retry-after': '2',
        'retry-after-ms': '1200',
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-tokens': '6m0s',
        'x-request-id': 'req_upstream_42',
      },
    };
    const client = new OpenAI({ apiKey: dev.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const error: Json = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error.status).toBe(429);
    const headers: Headers = error.headers;
    expect(headers.get('retry-after')).toBe('2');
    expect(headers.get('retry-after-ms')).toBe('1200');
    expect(headers.get('x-ratelimit-limit-requests')).toBe('500');
    expect(headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(headers.get('x-ratelimit-reset-tokens')).toBe('6m0s');
    expect(headers.get('x-upstream-request-id')).toBe('req_upstream_42');
    expect(headers.get('x-request-id')).not.toBe('req_upstream_42');
  });

  it('a quota 429 names what was used, counting calls admitted and still in flight, and says not to retry when the reset is far', async () => {
    openai.mode = { type: 'slow-stream', chunkDelayMs: 300 };
    const call = () =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${limited.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
    const first = await call();
    const second = await call();
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await call();
    expect(third.status).toBe(429);
    const body: Json = await third.json();
    expect(body.error.code).toBe('quota_exceeded');
    expect(body.error.message).toContain('limit 2, used 2');
    // Retry after the month resets (UTC here); "don't retry" when that is over a minute away —
    // always, except in a month's last minute, when the test must not fail either.
    const now = new Date();
    const untilReset = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - now.getTime()) / 1000;
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(Math.abs(retryAfter - untilReset)).toBeLessThan(5);
    expect(third.headers.get('x-should-retry')).toBe(retryAfter > 60 ? 'false' : null);
    await Promise.all([first.text(), second.text()]);
  });
});
