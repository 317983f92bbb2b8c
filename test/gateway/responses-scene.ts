import OpenAI from 'openai';
import { createTestDatabase } from '@app/core/testing';
import { FakeResponsesApi } from '../fakes/fake-responses-api';
import { installToolChat } from '../fakes/fake-tool-chat';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { usageEventFor } from '../support/usage-events';

/** What the Responses suites (native, translated) share: one gateway over four fake providers. */
interface ResponsesScene {
  seed: Seed;
  gateway: RunningGateway;
  /** DashScope serving Responses natively (`qwen-native`, `qwen-reasoner`, `qwen-via-chat` translated); `qwen-mt-turbo` unserved. */
  dashscope: FakeProvider;
  /** Huawei MaaS, translated to chat completions: `deepseek-maas`. */
  huawei: FakeProvider;
  /** An openai-kind provider, translated by default: `gpt-translated`, `gpt-native-model` (native by its own option). */
  openaiTranslated: FakeProvider;
  /** An openai-kind provider with `responsesApi: native`: `gpt-native`. */
  openaiNative: FakeProvider;
  dev: Awaited<ReturnType<Seed['developer']>>;
  providerIds: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = async (res: Response): Promise<any> => res.json();

export const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city.',
  strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/**
 * Registers the suite's hooks (a fresh database, the fakes, the gateway; every fake reset before
 * each test) and returns the scene they fill in, with the helpers its tests call.
 */
export function responsesScene() {
  const s = { providerIds: {} } as ResponsesScene;
  const fakes = () => [s.dashscope, s.huawei, s.openaiTranslated, s.openaiNative];

  beforeAll(async () => {
    const url = await createTestDatabase();
    const seed = (s.seed = await Seed.connect(url));
    const providerIds = s.providerIds;
    [s.dashscope, s.huawei, s.openaiTranslated, s.openaiNative] = await Promise.all([
      FakeProvider.start('dashscope'),
      FakeProvider.start('huawei-maas'),
      FakeProvider.start('openai', { content: 'Hello from the translated openai provider.' }),
      FakeProvider.start('openai'),
    ]);
    FakeResponsesApi.install(s.dashscope, { unservedModels: ['qwen-mt-turbo'] });
    FakeResponsesApi.install(s.openaiNative, { content: 'Native openai Responses.' });
    for (const fake of [s.huawei, s.openaiTranslated]) installToolChat(fake);
    providerIds.dashscope = await seed.provider('dashscope', s.dashscope.baseUrl, s.dashscope.apiKey);
    providerIds.huawei = await seed.provider('huawei-maas', s.huawei.baseUrl, s.huawei.apiKey);
    providerIds.openaiTranslated = await seed.provider('openai', s.openaiTranslated.baseUrl, s.openaiTranslated.apiKey);
    providerIds.openaiNative = await seed.provider('openai', s.openaiNative.baseUrl, s.openaiNative.apiKey);
    await seed.dataSource.query(`UPDATE providers SET options = '{"responsesApi":"native"}' WHERE id = $1`, [providerIds.openaiNative]);
    await seed.model('qwen-native', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY', upstream: 'qwen3-max' });
    await seed.model('qwen-chat-only', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY', upstream: 'qwen-mt-turbo' });
    await seed.model('qwen-reasoner', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY' });
    await seed.model('deepseek-maas', providerIds.huawei, { input: '2', output: '8', currency: 'CNY', upstream: 'DeepSeek-V3' });
    await seed.model('gpt-translated', providerIds.openaiTranslated, { input: '1', output: '4', currency: 'USD' });
    await seed.model('gpt-native', providerIds.openaiNative, { input: '1', output: '4', currency: 'USD', upstream: 'gpt-5-mini' });
    // Per-model overrides of the provider's choice.
    await seed.model('qwen-via-chat', providerIds.dashscope, { input: '0.8', output: '2', currency: 'CNY', upstream: 'qwen-plus' });
    await seed.model('gpt-native-model', providerIds.openaiTranslated, { input: '1', output: '4', currency: 'USD' });
    await seed.dataSource.query(`UPDATE models SET options = '{"responsesApi":"translated"}' WHERE name = 'qwen-via-chat'`);
    await seed.dataSource.query(`UPDATE models SET options = '{"responsesApi":"native"}' WHERE name = 'gpt-native-model'`);
    s.dev = await seed.developer();
    s.gateway = await startGateway(url, { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '2000', UPSTREAM_IDLE_TIMEOUT_MS: '2000' });
  });

  afterAll(async () => {
    await s.gateway?.close();
    await Promise.all(fakes().map((fake) => fake?.close()));
    await s.seed?.close();
  });

  beforeEach(() => {
    for (const fake of fakes()) fake.reset();
  });

  return {
    s,
    eventFor: (requestId: string | null) => usageEventFor(s.seed.dataSource, requestId),
    /** The key's usage events once `expected` have been written (events are batched), and a moment more for any extra. */
    eventCount: async (apiKeyId: string, expected: number): Promise<number> => {
      const count = async (): Promise<number> =>
        (await s.seed.dataSource.query(`SELECT count(*)::int AS n FROM usage_events WHERE api_key_id = $1`, [apiKeyId]))[0].n;
      for (let i = 0; i < 200 && (await count()) < expected; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
      return count();
    },
    client: (key = s.dev.key) => new OpenAI({ apiKey: key, baseURL: `${s.gateway.url}/v1`, maxRetries: 0 }),
    post: (body: unknown, key = s.dev.key) =>
      fetch(`${s.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}
