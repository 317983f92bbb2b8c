import { request } from 'undici';
import { createTestDatabase } from '@app/core/testing';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';

/** Deterministic pseudo-random generator, so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function fuzzBody(random: () => number): Buffer | string {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const scalar = () => pick<unknown>([null, true, 1, -1, 1.5, 'x', '', [], {}, 1e308, 'gpt-test', '\u0000', '\ud800']);
  const shapes: Array<() => Buffer | string> = [
    () => JSON.stringify({ model: scalar(), messages: scalar() }),
    () => JSON.stringify({ model: 'gpt-test', messages: [scalar(), scalar()] }),
    () => JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], stream: scalar(), max_tokens: scalar() }),
    () => JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], stream_options: scalar() }),
    () => '{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"__proto__":{"polluted":true}}',
    () => '{"constructor":{"prototype":{"polluted":true}},"model":"gpt-test"}',
    () => '['.repeat(50_000) + ']'.repeat(50_000),
    () => `{"model":"gpt-test","messages":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    () => Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), // invalid UTF-8
    () => JSON.stringify(scalar()),
    () => Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256))),
    () => '{"model":"gpt-test","messages":[{"role":"user","content":"' + 'a'.repeat(Math.floor(random() * 100)),
  ];
  return pick(shapes)();
}

describe('hostile input (real gateway)', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let fake: FakeProvider;
  let key: string;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai');
    const providerId = await seed.provider('openai', fake.baseUrl, fake.apiKey);
    await seed.model('gpt-test', providerId);
    key = (await seed.developer()).key;
    gateway = await startGateway(url, { MAX_BODY_BYTES: '65536' });
  });

  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
    await seed?.close();
  });

  const send = (body: Buffer | string, headers: Record<string, string> = {}) =>
    request(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers an oversized body with 413 in the OpenAI envelope', async () => {
    const res = await send(JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'a'.repeat(100_000) }] }));
    expect(res.statusCode).toBe(413);
    expect(((await res.body.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
  });

  it('rejects prototype-pollution keys and leaves Object.prototype alone', async () => {
    const res = await send('{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"__proto__":{"polluted":true}}');
    expect(res.statusCode).toBe(400);
    await res.body.dump();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives huge headers with a 4xx', async () => {
    const res = await send('{}', { 'x-junk': 'a'.repeat(20_000) }).catch(() => undefined);
    if (res) {
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      await res.body.dump();
    }
    const health = await request(`${gateway.url}/livez`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it('answers thousands of generated bodies with 4xx (or 200 when valid), never 5xx, and stays up', async () => {
    const random = prng(20261124);
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 50; batch++) {
      const results = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const res = await send(fuzzBody(random));
          await res.body.dump();
          return res.statusCode;
        }),
      );
      for (const status of results) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const serverErrors = [...statuses.entries()].filter(([status]) => status >= 500);
    expect(serverErrors).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(2000);
    const health = await request(`${gateway.url}/livez`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });
});
