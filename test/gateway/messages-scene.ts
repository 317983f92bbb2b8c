import Anthropic from '@anthropic-ai/sdk';
import { createTestDatabase } from '@app/core/testing';
import { serveMessages } from '../fakes/anthropic-messages';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { usageEventFor } from '../support/usage-events';

/** What the Messages suites (native, translated) share: one gateway over four fake providers. */
interface MessagesScene {
  seed: Seed;
  gateway: RunningGateway;
  /** DashScope serving Messages natively: `qwen-coder` (aliased `claude-sonnet-4-5`, `claude-haiku-4-5`), `qwen-chat-only`. */
  dashscope: FakeProvider;
  /** Huawei MaaS serving Messages natively, cumulative usage in message_delta: `DeepSeek-V3`. */
  huawei: FakeProvider;
  /** An openai-kind provider, Messages translated to chat completions: `gpt-translated`. */
  openai: FakeProvider;
  /** An openai-kind provider with `messagesApi: native`: `claude-direct`. */
  anthropicNative: FakeProvider;
  dev: Awaited<ReturnType<Seed['developer']>>;
}

export const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/**
 * Registers the suite's hooks (a fresh database, the fakes, the gateway; every fake reset before
 * each test) and returns the scene they fill in, with the helpers its tests call.
 */
export function messagesScene() {
  const s = {} as MessagesScene;
  const fakes = () => [s.dashscope, s.huawei, s.openai, s.anthropicNative];

  beforeAll(async () => {
    const url = await createTestDatabase();
    const seed = (s.seed = await Seed.connect(url));
    [s.dashscope, s.huawei, s.openai, s.anthropicNative] = await Promise.all([
      FakeProvider.start('dashscope', { completionTokens: 9 }),
      FakeProvider.start('huawei-maas', { completionTokens: 9 }),
      FakeProvider.start('openai', { completionTokens: 12 }),
      FakeProvider.start('openai', { completionTokens: 5 }),
    ]);
    serveMessages(s.dashscope, 9, 'Hello from Qwen, natively.');
    serveMessages(s.huawei, 9, 'Hello from MaaS, natively.', { deltaUsage: 'full' });
    serveMessages(s.anthropicNative, 5, 'Hello from a native Messages endpoint.');
    const dashscopeId = await seed.provider('dashscope', s.dashscope.baseUrl, s.dashscope.apiKey);
    const qwen = await seed.model('qwen-coder', dashscopeId, { input: '1', output: '2', cached: '0.5', currency: 'CNY', upstream: 'qwen3-coder-plus' });
    await seed.dataSource.query(`UPDATE models SET aliases = $2, cache_write_input_price = '3' WHERE id = $1`, [
      qwen,
      ['claude-sonnet-4-5', 'claude-haiku-4-5'],
    ]);
    const huaweiId = await seed.provider('huawei-maas', s.huawei.baseUrl, s.huawei.apiKey);
    await seed.model('qwen-chat-only', dashscopeId, { input: '1', output: '1', currency: 'CNY', upstream: 'chat-only-qwen' });
    await seed.model('DeepSeek-V3', huaweiId, { input: '2', output: '8', currency: 'CNY' });
    const openaiId = await seed.provider('openai', s.openai.baseUrl, s.openai.apiKey);
    await seed.model('gpt-translated', openaiId, { input: '1', output: '1', currency: 'USD', upstream: 'gpt-4o-mini' });
    const nativeId = await seed.provider('openai', s.anthropicNative.baseUrl, s.anthropicNative.apiKey);
    await seed.dataSource.query(`UPDATE providers SET options = '{"messagesApi":"native"}' WHERE id = $1`, [nativeId]);
    await seed.model('claude-direct', nativeId, { input: '3', output: '15', currency: 'USD', upstream: 'claude-sonnet-4-5-20250929' });
    s.dev = await seed.developer();
    s.gateway = await startGateway(url);
  });

  afterAll(async () => {
    await s.gateway?.close();
    await Promise.all(fakes().map((fake) => fake?.close()));
    await s.seed?.close();
  });

  beforeEach(() => fakes().forEach((fake) => fake.reset()));

  return {
    s,
    eventFor: (requestId: string | null) => usageEventFor(s.seed.dataSource, requestId),
    sdk: (key = s.dev.key) => new Anthropic({ apiKey: key, baseURL: s.gateway.url, maxRetries: 0 }),
    post: (path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': s.dev.key }) =>
      fetch(`${s.gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
        body: JSON.stringify(body),
      }),
  };
}
