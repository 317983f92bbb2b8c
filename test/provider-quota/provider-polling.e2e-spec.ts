import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeProvider } from '../support/fake-provider';
import { FakeProviderApis } from '../fakes/provider-apis';
import { Seed } from '../support/seed';
import { createTestDatabase, waitFor } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

describe('provider quota, balance and usage polling with reconciliation (signed fakes on loopback)', () => {
  let admin: AdminApp;
  let seed: Seed;
  let dashscope: FakeProvider;
  let apis: FakeProviderApis;
  let hook: Server;
  const alerts: Array<{ type: string; providerName: string }> = [];
  let adminToken: string;
  let financeToken: string;
  const credentials = { alibaba: { id: 'LTAI-test', secret: 'alibaba-secret' }, huawei: { ak: 'HW-AK', sk: 'HW-SK' } };

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    await seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password: 'a-long-password' });
    await seed.user({ departmentId: null, role: 'finance', email: 'fin@x.test', password: 'a-long-password' });
    dashscope = await FakeProvider.start('dashscope');
    // official output.quotas shape, two pages
    dashscope.on('GET', '/api/v1/quotas', (req, res) => {
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page_no'));
      const quotas = Array.from({ length: page === 1 ? 100 : 5 }, (_, i) => ({
        model: `qwen-${page}-${i}`,
        workspace_id: 'ws-demo',
        model_limit: { request_limit: 15000, request_limit_period: 60, usage_limit: 5000000, usage_limit_field: 'total_tokens', usage_limit_period: 60 },
        workspace_limit: null,
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ request_id: 'r', output: { total: 105, page_no: page, page_size: 100, quotas } }));
    });
    apis = await FakeProviderApis.start(credentials);
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        alerts.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    admin = await createAdminApp(url, {
      PROVIDER_POLL_SECONDS: '3600',
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
      ALERT_BALANCE_BELOW: '2000',
    });
    adminToken = await admin.login('admin@x.test', 'a-long-password');
    financeToken = await admin.login('fin@x.test', 'a-long-password');
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
    await dashscope?.close();
    await apis?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('polls DashScope limits (paged) and the BSS balance with a signed AccessKey request', async () => {
    const provider = await admin.call('POST', '/api/providers', adminToken, {
      name: 'bailian',
      kind: 'dashscope',
      baseUrl: dashscope.baseUrl,
      apiKey: dashscope.apiKey,
      options: { accessKeyId: credentials.alibaba.id, accessKeySecret: credentials.alibaba.secret, bssEndpoint: apis.origin },
    });
    const polled = await admin.call('POST', `/api/providers/${provider.body.id}/poll`, financeToken);
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ status: 'ok', balance: { amount: '1234.56', currency: 'CNY' } });
    expect(polled.body.limits).toHaveLength(105);
    expect(polled.body.limits[0]).toMatchObject({ requestLimit: 15000, requestPeriodSeconds: 60, tokenLimit: 5000000, scope: 'model' });
    expect(alerts.some((a) => a.type === 'low_balance' && a.providerName === 'bailian')).toBe(true);
  });

  it('polls Huawei MaaS statistics with AK/SK, looks up the project, converts thousands, and reconciles', async () => {
    const provider = await admin.call('POST', '/api/providers', adminToken, {
      name: 'maas',
      kind: 'huawei-maas',
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'maas-key',
      options: { accessKey: credentials.huawei.ak, secretKey: credentials.huawei.sk, iamEndpoint: apis.origin, modelartsEndpoint: apis.origin },
    });
    const polled = await admin.call('POST', `/api/providers/${provider.body.id}/poll`, adminToken);
    expect(polled.body).toMatchObject({ status: 'ok', usage: { requests: 120, errors: 3, totalTokens: 45500, promptTokens: 30250, completionTokens: 15250 } });
    expect(apis.calls.some((c) => c.path === '/v3/projects')).toBe(true);

    apis.calls.length = 0;
    const reconciliation = await admin.call('GET', `/api/providers/${provider.body.id}/reconciliation?from=2026-09-01&to=2026-11-20`, financeToken);
    expect(reconciliation.status).toBe(200);
    const segments = apis.calls.filter((c) => c.path.endsWith('show-statistics'));
    expect(segments.length).toBe(3); // 81 days → 29-day segments
    expect(JSON.parse(segments[0].body)).toMatchObject({ service_type: 2, infer_type: 'real_time' });
    expect(reconciliation.body).toMatchObject({ gateway: { requests: 0 }, provider: { requests: 360, totalTokens: 136500 }, difference: { requests: -360 } });
    expect(alerts.some((a) => a.type === 'reconciliation_drift' && a.providerName === 'maas')).toBe(true);
  });

  it('shows a provider with a bad key as auth, alerts once, and disturbs nothing else', async () => {
    const bad = await admin.call('POST', '/api/providers', adminToken, { name: 'bad-key', kind: 'dashscope', baseUrl: dashscope.baseUrl, apiKey: 'sk-wrong' });
    const polled = await admin.call('POST', `/api/providers/${bad.body.id}/poll`, adminToken);
    expect(polled.body).toMatchObject({ status: 'auth' });
    expect(polled.body.message).toBeTruthy();
    expect(JSON.stringify(polled.body)).not.toContain('sk-wrong');
    await waitFor(() => alerts.some((a) => a.type === 'provider_auth' && a.providerName === 'bad-key'), 'the provider_auth alert');
    expect(alerts.filter((a) => a.type === 'provider_auth' && a.providerName === 'bad-key')).toHaveLength(1);
    const latest = await admin.call('GET', '/api/providers/quota', financeToken);
    const byName = Object.fromEntries(latest.body.items.map((s: { providerName: string; status: string }) => [s.providerName, s.status]));
    expect(byName).toEqual({ bailian: 'ok', maas: 'ok', 'bad-key': 'auth' });
  });

  it('records a 429 as limited', async () => {
    apis.mode = 'limited';
    const [maas] = (await admin.call('GET', '/api/providers', adminToken)).body.items.filter((p: { name: string }) => p.name === 'maas');
    const polled = await admin.call('POST', `/api/providers/${maas.id}/poll`, adminToken);
    apis.mode = 'ok';
    expect(polled.body.status).toBe('limited');
  });

  it('polls DashScope limits with the key of its first enabled account, not a stale provider-level key', async () => {
    const provider = await admin.call('POST', '/api/providers', adminToken, {
      name: 'rotated',
      kind: 'dashscope',
      baseUrl: dashscope.baseUrl,
      apiKey: 'sk-stale',
    });
    const [first] = (await admin.call('GET', `/api/providers/${provider.body.id}/accounts`, adminToken)).body.items;
    const disabled = await admin.call('POST', `/api/providers/${provider.body.id}/accounts`, adminToken, { name: 'a-disabled', apiKey: 'sk-disabled' });
    expect((await admin.call('PATCH', `/api/providers/${provider.body.id}/accounts/${disabled.body.id}`, adminToken, { enabled: false })).status).toBe(200);
    // the key is rotated on the account; the provider's own copy still holds the old one
    expect((await admin.call('PATCH', `/api/providers/${provider.body.id}/accounts/${first.id}`, adminToken, { apiKey: dashscope.apiKey })).status).toBe(200);
    const polled = await admin.call('POST', `/api/providers/${provider.body.id}/poll`, adminToken);
    expect(polled.body).toMatchObject({ status: 'ok' });
    expect(polled.body.limits).toHaveLength(105);
  });

  it('lets team leads read provider quota (not poll it nor reconcile)', async () => {
    const lead = await seed.user({ departmentId: await seed.department('D'), role: 'team_lead', email: 'lead@x.test', password: 'a-long-password' });
    expect(lead).toBeTruthy();
    const leadToken = await admin.login('lead@x.test', 'a-long-password');
    const latest = await admin.call('GET', '/api/providers/quota', leadToken);
    expect(latest.status).toBe(200);
    expect(latest.body.items.map((s: { providerName: string }) => s.providerName)).toContain('bailian');
    const [bailian] = (await admin.call('GET', '/api/providers', adminToken)).body.items.filter((p: { name: string }) => p.name === 'bailian');
    expect((await admin.call('POST', `/api/providers/${bailian.id}/poll`, leadToken)).status).toBe(403);
    expect((await admin.call('GET', `/api/providers/${bailian.id}/reconciliation?from=2026-01-01&to=2026-01-02`, leadToken)).status).toBe(403);
  });
});
