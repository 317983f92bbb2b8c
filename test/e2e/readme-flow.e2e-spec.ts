import OpenAI from 'openai';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { createTestDatabase, waitFor } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

/**
 * Issue #2's "done when", as a new user would do it: over the admin API create a provider, a
 * priced model, a department, a user and a key; call the gateway with the OpenAI SDK, streaming
 * and not; see exactly the right tokens and cost per call in GET /api/usage/events — and again
 * after restarting both apps.
 */
describe('the README flow, end to end (admin API + gateway + real PostgreSQL)', () => {
  let url: string;
  let admin: AdminApp;
  let gateway: RunningGateway;
  let fake: FakeProvider;
  let adminToken: string;

  beforeAll(async () => {
    url = await createTestDatabase();
    fake = await FakeProvider.start('dashscope');
    admin = await createAdminApp(url, { ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'change-me-now' });
    gateway = await startGateway(url);
    adminToken = await admin.login('admin@example.com', 'change-me-now');
  });

  afterAll(async () => {
    await gateway?.close();
    await admin?.close();
    await fake?.close();
  });

  it('meters exact tokens and cost per call, and keeps them across restarts', async () => {
    const provider = await admin.call('POST', '/api/providers', adminToken, { name: 'bailian', kind: 'dashscope', baseUrl: fake.baseUrl, apiKey: fake.apiKey });
    expect(provider.status).toBe(201);
    expect(JSON.stringify(provider.body)).not.toContain(fake.apiKey);
    const model = await admin.call('POST', '/api/models', adminToken, {
      name: 'qwen-plus',
      providerId: provider.body.id,
      inputPrice: '0.8',
      outputPrice: 2,
      cachedInputPrice: '0.16',
      currency: 'CNY',
    });
    expect(model.status).toBe(201);
    expect(model.body).toMatchObject({ inputPrice: '0.8', outputPrice: '2', cachedInputPrice: '0.16' });
    const department = await admin.call('POST', '/api/departments', adminToken, { name: '研发部' });
    expect(department.status).toBe(201);
    const user = await admin.call('POST', '/api/users', adminToken, {
      email: 'dev@example.com',
      name: 'Dev',
      departmentId: department.body.id,
      role: 'developer',
      password: 'a-long-password',
    });
    expect(user.status).toBe(201);
    const key = await admin.call('POST', `/api/users/${user.body.id}/api-keys`, adminToken, { name: 'laptop' });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^tg_/);
    const listed = await admin.call('GET', `/api/users/${user.body.id}/api-keys`, adminToken);
    expect(JSON.stringify(listed.body)).not.toContain(key.body.key); // shown once

    // the gateway's key cache and catalog follow the change feed: wait until it lists the model for this key
    await waitFor(async () => {
      const res = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key.body.key}` } });
      return res.ok && (await res.text()).includes('"qwen-plus"');
    }, 'the gateway to know the new key and model');
    const client = new OpenAI({ apiKey: key.body.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const plain = await client.chat.completions.create({ model: 'qwen-plus', messages: [{ role: 'user', content: 'hello there gateway' }] }).withResponse();
    const streamed = await client.chat.completions
      .create({ model: 'qwen-plus', messages: [{ role: 'user', content: 'stream me CACHED please' }], stream: true })
      .withResponse();
    for await (const chunk of streamed.data) expect(chunk.choices.length).toBeGreaterThan(0);

    const ids = [plain.response.headers.get('x-request-id'), streamed.response.headers.get('x-request-id')];
    const expected = [
      // prompt = words + 3, completion = 12 (the fake's rule); cost = prompt × 0.8/1M + completion × 2/1M
      { id: ids[0], promptTokens: 6, completionTokens: 12, cachedTokens: 0, totalTokens: 18, cost: '0.0000288', stream: false },
      // 4 words + 3 = 7 prompt tokens, 3 cached (half, rounded down) at 0.16/1M
      { id: ids[1], promptTokens: 7, completionTokens: 12, cachedTokens: 3, totalTokens: 19, cost: '0.00002768', stream: true },
    ];
    const check = async () => {
      let events: { items: Array<Record<string, unknown>> } = { items: [] };
      for (let i = 0; i < 50 && events.items.length < 2; i++) {
        events = (await admin.call('GET', '/api/usage/events?limit=10', adminToken)).body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const want of expected) {
        const event = events.items.find((e) => e.id === want.id);
        expect(event).toMatchObject({
          ...want,
          model: 'qwen-plus',
          currency: 'CNY',
          userId: user.body.id,
          departmentId: department.body.id,
          estimated: false,
          status: 200,
        });
      }
    };
    await check();

    // restart both apps on the same database: everything is still there
    await gateway.close();
    await admin.close();
    admin = await createAdminApp(url);
    gateway = await startGateway(url);
    adminToken = await admin.login('admin@example.com', 'change-me-now');
    await check();
    const again = await new OpenAI({ apiKey: key.body.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 }).chat.completions.create({
      model: 'qwen-plus',
      messages: [{ role: 'user', content: 'still here' }],
    });
    expect(again.choices[0].message.content).toBeTruthy();
  });
});
