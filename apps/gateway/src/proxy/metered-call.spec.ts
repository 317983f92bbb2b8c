import { PriceCalculator } from '@app/usage';
import type { ModelRoute } from '../catalog/model-catalog.service';
import { MeteredCall } from './metered-call';

const route: ModelRoute = {
  modelId: 'm1',
  name: 'gpt-test',
  upstreamModel: 'gpt-test',
  providerId: '00000000-0000-4000-8000-0000000000b1',
  providerKind: 'openai',
  baseUrl: 'http://127.0.0.1:1/v1',
  adapter: undefined as unknown as ModelRoute['adapter'], // not used by metering
  accounts: [],
  fallbacks: [],
  price: { inputPrice: '1', outputPrice: '2', cachedInputPrice: null, currency: 'USD' },
  createdAt: 0,
  providerOptions: {},
  modelOptions: {},
};

function call(): MeteredCall {
  const c = new MeteredCall('chat.completions', { apiKeyId: 'k', userId: 'u', departmentId: null, expiresAt: null, allowedModels: null });
  c.route = route;
  c.estimatedPromptTokens = 1_000_000;
  c.estimateCompletion = () => 500_000;
  return c;
}

describe('MeteredCall: one usage record per call, billed by one rule', () => {
  const prices = new PriceCalculator();

  it('records a call refused before the provider as free', () => {
    const c = call();
    c.status = 429;
    c.errorCode = 'quota_exceeded';
    expect(c.billing()).toBe('free');
    expect(c.toRecord(prices, 'r')).toMatchObject({ totalTokens: 0, cost: '0', estimated: false, currency: 'USD', inputPrice: null, status: 429 });
  });

  it('records a provider error without output as free', () => {
    const c = call();
    c.forwarded = true;
    c.status = 500;
    expect(c.billing()).toBe('free');
    expect(c.toRecord(prices, 'r')).toMatchObject({ totalTokens: 0, cost: '0', estimated: false });
  });

  it('bills the provider’s counts when they arrive', () => {
    const c = call();
    c.forwarded = true;
    c.status = 200;
    c.usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 15 };
    expect(c.billing()).toBe('billed');
    expect(c.toRecord(prices, 'r')).toMatchObject({ promptTokens: 10, completionTokens: 5, totalTokens: 15, estimated: false, cost: '0.00002' });
  });

  it('estimates a stream cut short: prompt estimate plus what was delivered, flagged', () => {
    const c = call();
    c.stream = true;
    c.forwarded = true;
    c.markFirstByte();
    c.status = 499;
    expect(c.billing()).toBe('estimated');
    expect(c.toRecord(prices, 'r')).toMatchObject({ promptTokens: 1_000_000, completionTokens: 500_000, totalTokens: 1_500_000, estimated: true, cost: '2' });
  });
});
