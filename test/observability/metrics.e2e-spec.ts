import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { createTestDatabase, waitFor } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

describe('Prometheus metrics on both apps', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let admin: AdminApp;
  let fake: FakeProvider;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai');
    await seed.model('gpt-test', await seed.provider('openai', fake.baseUrl, fake.apiKey));
    gateway = await startGateway(url);
    admin = await createAdminApp(url);
  });

  afterAll(async () => {
    await gateway?.close();
    await admin?.close();
    await fake?.close();
    await seed?.close();
  });

  it('exposes request, latency, token, cost, refusal, spool and batch metrics on the gateway', async () => {
    const { key } = await seed.developer();
    await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.text());
    await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: '{}' }).then((r) => r.text());
    const expected = [
      'tollgate_gateway_requests_total{endpoint="chat.completions",model="gpt-test",status="200"} 1',
      'tollgate_gateway_request_duration_seconds_bucket',
      'tollgate_gateway_tokens_total{kind="prompt",model="gpt-test"}',
      'tollgate_gateway_cost_total{currency="CNY"}',
      'tollgate_gateway_refusals_total{code="invalid_api_key"} 1',
      'tollgate_usage_spool_pending_events',
      'tollgate_usage_batch_write_seconds_count',
      'tollgate_gateway_event_loop_delay_seconds_bucket{le="0.005"}',
      'tollgate_usage_oldest_pending_seconds',
      'tollgate_usage_writer_stalled 0',
    ];
    // the usage writer's batch (cost, batch timing) lands asynchronously: wait for it, not a fixed time
    const text = await waitFor(async () => {
      const body = await (await fetch(`${gateway.url}/metrics`)).text();
      return expected.every((name) => body.includes(name)) ? body : undefined;
    }, 'the gateway metrics').catch(async () => (await fetch(`${gateway.url}/metrics`)).text());
    for (const name of expected) expect(text).toContain(name);
    expect(text).not.toContain(key);
  });

  it('exposes request metrics by route pattern on the admin API', async () => {
    await admin.call('GET', '/api/departments/00000000-0000-4000-8000-000000000000');
    const text = (await admin.call<string>('GET', '/metrics')).body;
    expect(text).toMatch(/tollgate_admin_requests_total\{method="GET",route="\/api\/departments\/:id",status="401"\} 1/);
    expect(text).toContain('tollgate_admin_request_duration_seconds_bucket');
    expect(text).toContain('tollgate_provider_polls_total');
  });

  it('gives every admin response a request id', async () => {
    const res = await admin.call('GET', '/healthz');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('with METRICS_TOKEN set', () => {
    const token = 'metrics-scrape-token-0123456789';
    let guardedGateway: RunningGateway;
    let guardedAdmin: AdminApp;

    beforeAll(async () => {
      const url = await createTestDatabase();
      guardedGateway = await startGateway(url, { METRICS_TOKEN: token });
      guardedAdmin = await createAdminApp(url, { METRICS_TOKEN: token });
    });

    afterAll(async () => {
      await guardedGateway?.close();
      await guardedAdmin?.close();
    });

    it('answers /metrics on both apps only with the token as a Bearer credential', async () => {
      for (const base of [guardedGateway.url, guardedAdmin.url]) {
        const anonymous = await fetch(`${base}/metrics`);
        expect(anonymous.status).toBe(401);
        expect(await anonymous.text()).not.toContain('tollgate_');
        const wrong = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
        expect(wrong.status).toBe(401);
        await wrong.text();
        const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        expect(scraped.status).toBe(200);
        expect(scraped.headers.get('content-type')).toContain('text/plain');
        expect(await scraped.text()).toContain('process_cpu_seconds_total');
      }
      // health stays open to probes
      expect((await fetch(`${guardedGateway.url}/livez`)).status).toBe(200);
    });
  });
});
