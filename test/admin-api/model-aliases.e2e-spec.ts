import { AdminApp, call, createAdminApp, SeededUser, seedUser } from '../support/admin-app';
import { createTestDatabase } from '@app/core/testing';

type Body = { message?: string | string[]; [field: string]: unknown };

/** Models carry aliases (Claude Code's names), per-model API options and a cache-write price. */
describe('admin API: model aliases, options and cache-write price', () => {
  let admin: AdminApp;
  let root: SeededUser;
  let providerId: string;
  const as = <T = Body>(method: string, path: string, body?: unknown) => call<T>(admin.url, method, path, root.token, body);

  beforeAll(async () => {
    admin = await createAdminApp(await createTestDatabase());
    root = await seedUser(admin.app, { role: 'admin' });
    providerId = (
      await as<{ id: string }>('POST', '/api/providers', {
        name: 'up',
        kind: 'openai',
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKey: 'sk-x',
        options: { messagesApi: 'native' },
      })
    ).body.id;
  });

  afterAll(() => admin?.close());

  it('stores and returns aliases, options and the cache-write price', async () => {
    const created = await as<Body & { id: string }>('POST', '/api/models', {
      name: 'qwen3-coder-plus',
      providerId,
      inputPrice: '1',
      outputPrice: '2',
      cacheWriteInputPrice: 1.25,
      currency: 'CNY',
      aliases: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
      options: { messagesApi: 'translated' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      aliases: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
      options: { messagesApi: 'translated' },
      cacheWriteInputPrice: '1.25',
    });
    const patched = await as('PATCH', `/api/models/${created.body.id}`, { aliases: ['claude-opus-4-1'], cacheWriteInputPrice: null });
    expect(patched.body).toMatchObject({ aliases: ['claude-opus-4-1'], cacheWriteInputPrice: null });
  });

  it('refuses an alias that is another model name or alias (409), its own name, or a bad option (400)', async () => {
    await as('POST', '/api/models', { name: 'other', providerId, inputPrice: '1', outputPrice: '1', currency: 'CNY', aliases: ['claude-x'] });
    const clash = await as('POST', '/api/models', { name: 'third', providerId, inputPrice: '1', outputPrice: '1', currency: 'CNY', aliases: ['claude-x'] });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body.message)).toContain('aliases');
    const named = await as('POST', '/api/models', { name: 'fourth', providerId, inputPrice: '1', outputPrice: '1', currency: 'CNY', aliases: ['other'] });
    expect(named.status).toBe(409);
    const nameIsAlias = await as('POST', '/api/models', { name: 'claude-x', providerId, inputPrice: '1', outputPrice: '1', currency: 'CNY' });
    expect(nameIsAlias.status).toBe(409);
    const badOption = await as('POST', '/api/models', {
      name: 'fifth',
      providerId,
      inputPrice: '1',
      outputPrice: '1',
      currency: 'CNY',
      options: { messagesApi: 'sometimes' },
    });
    expect(badOption.status).toBe(400);
    const badProviderOption = await as('POST', '/api/providers', {
      name: 'up2',
      kind: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: 'sk-x',
      options: { responsesApi: 'maybe' },
    });
    expect(badProviderOption.status).toBe(400);
    expect(JSON.stringify(badProviderOption.body.message)).toContain('options.responsesApi');
  });
});
