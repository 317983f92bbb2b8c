import OpenAI from 'openai';
import { ModelCatalogService } from '../../apps/gateway/src/catalog/model-catalog.service';
import { AdminApp, call, createAdminApp, seedUser } from '../support/admin-app';
import { FakeProvider, FakeMode } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';

interface AccountRow {
  id: string;
  name: string;
  status: string;
  cooling_until: Date | null;
  last_error: string | null;
  failed_attempts: string;
}

const RATE_LIMITED: FakeMode = {
  type: 'error',
  status: 429,
  body: { error: { message: 'Requests rate limit exceeded, please try again later.', type: 'Throttling.RateQuota', code: 'Throttling.RateQuota' } },
};

/**
 * Upstream accounts on the hot path: one client call, one answer, one usage event naming the
 * account that answered, whatever the other accounts of the provider do (fake providers on
 * loopback that tell accounts apart by their key).
 */
describe('upstream accounts: failover, cool-down, limit groups, fallbacks (real PostgreSQL, fake providers)', () => {
  let url: string;
  let seed: Seed;
  let gateway: RunningGateway;
  let dev: Awaited<ReturnType<Seed['developer']>>;
  const fakes: FakeProvider[] = [];
  let finals = 0;

  const client = () => new OpenAI({ apiKey: dev.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });

  /** A dashscope provider whose fake accepts every given key; the first is the seeded `default` account. */
  async function provider(keys: string[], name = `p-${Math.random().toString(36).slice(2, 8)}`) {
    const fake = await FakeProvider.start('dashscope', { apiKey: keys[0] });
    fakes.push(fake);
    for (const key of keys.slice(1)) fake.extraKeys.add(key);
    const providerId = await seed.provider('dashscope', fake.baseUrl, keys[0], name);
    return { fake, providerId };
  }

  async function eventsFor(
    ids: string[],
  ): Promise<Array<{ id: string; status: number; account_id: string | null; model: string; provider_id: string; cost: string }>> {
    for (let i = 0; i < 100; i++) {
      const rows = await seed.dataSource.query(`SELECT id, status, account_id, model, provider_id, cost::text FROM usage_events WHERE id = ANY($1)`, [ids]);
      if (rows.length === ids.length) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('usage events missing');
  }

  async function accounts(providerId: string): Promise<Record<string, AccountRow>> {
    const rows: AccountRow[] = await seed.dataSource.query(
      `SELECT id, name, status, cooling_until, last_error, failed_attempts::text FROM provider_accounts WHERE provider_id = $1`,
      [providerId],
    );
    return Object.fromEntries(rows.map((row) => [row.name, row]));
  }

  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    let value = await read();
    while (!ok(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      value = await read();
    }
    return value;
  }

  /** Reloads the gateway's catalog (a test does not wait for the change feed) until every seeded model is in it. */
  async function catalogHas(): Promise<void> {
    const catalog = gateway.app.get(ModelCatalogService);
    const names: Array<{ name: string }> = await seed.dataSource.query(`SELECT name FROM models`);
    // twice: a reload already under way may have read the catalog before the test's last write
    await catalog.reload();
    await catalog.reload();
    for (let i = 0; i < 50 && !names.every(({ name }) => catalog.route(name)); i++) await catalog.reload();
  }

  async function chat(model: string, stream: boolean): Promise<{ id: string; text: string }> {
    if (!stream) {
      const { data, response } = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'hello there' }] })
        .withResponse();
      return { id: response.headers.get('x-request-id')!, text: data.choices[0].message.content ?? '' };
    }
    const { data, response } = await client()
      .chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? '';
    return { id: response.headers.get('x-request-id')!, text };
  }

  beforeAll(async () => {
    url = await createTestDatabase();
    seed = await Seed.connect(url);
    dev = await seed.developer();
    gateway = await startGateway(url);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(fakes.map((fake) => fake.close()));
    await seed?.close();
  });

  it('serves 100% of calls, streaming and not, from the healthy account when one answers 429 and one has a dead key', async () => {
    const { fake, providerId } = await provider(['sk-limited', 'sk-healthy']);
    fake.modeByKey.set('sk-limited', RATE_LIMITED);
    const dead = await seed.account(providerId, 'sk-revoked', { name: 'dead' });
    const healthy = await seed.account(providerId, 'sk-healthy', { name: 'healthy' });
    await seed.model('qwen-failover', providerId, { input: '0.8', output: '2', currency: 'CNY' });
    await catalogHas();

    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await chat('qwen-failover', i % 2 === 1);
      expect(answer.text).toContain('Hello from the fake provider');
      ids.push(answer.id);
    }
    const events = await eventsFor(ids);
    expect(events).toHaveLength(20); // exactly one event per client call, however many attempts
    expect(events.every((event) => event.status === 200 && event.account_id === healthy)).toBe(true);

    // The limited account cools down (its failure counted, not billed); the dead one is in `auth`.
    const stored = await until(
      () => accounts(providerId),
      (rows) => rows.dead.status === 'auth' && rows.default.status === 'cooling',
    );
    expect(stored.dead).toMatchObject({ id: dead, status: 'auth', last_error: 'invalid_api_key' });
    expect(Number(stored.dead.failed_attempts)).toBe(1); // never tried again once refused
    expect(stored.default.status).toBe('cooling');
    expect(Number(stored.default.failed_attempts)).toBeGreaterThanOrEqual(1);
    expect(stored.healthy).toMatchObject({ status: 'ok', failed_attempts: '0' });
    // Every upstream call beyond one per client call (+1 for the dead key) is a counted failure of the
    // limited account; on a slow machine its cool-down can end mid-run and the recorder flushes on a timer.
    const upstreamCalls = fake.requests.length;
    const settled = await until(
      () => accounts(providerId),
      (rows) => upstreamCalls <= 20 + 1 + Number(rows.default.failed_attempts),
    );
    expect(upstreamCalls).toBeLessThanOrEqual(20 + 1 + Number(settled.default.failed_attempts));

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain(`tollgate_upstream_account_status{provider="${providerId}",account="${dead}",name="dead",status="auth"} 1`);
    expect(metrics).toContain(`tollgate_upstream_account_status{provider="${providerId}",account="${healthy}",name="healthy",status="ok"} 1`);
    expect(metrics).toMatch(new RegExp(`tollgate_upstream_failed_attempts_total\\{provider="${providerId}",account="${dead}",code="invalid_api_key"\\} 1`));
    expect(metrics).toContain('tollgate_upstream_account_alerts_total{type="account_auth"}');
  });

  it('cools a limited account for its Retry-After, then brings it back when it answers again', async () => {
    const { fake, providerId } = await provider(['sk-busy', 'sk-spare']);
    fake.modeByKey.set('sk-busy', { ...RATE_LIMITED, headers: { 'retry-after': '1' } });
    await seed.dataSource.query(`UPDATE provider_accounts SET weight = 1000 WHERE provider_id = $1 AND name = 'default'`, [providerId]);
    const spare = await seed.account(providerId, 'sk-spare', { name: 'spare', weight: 1 });
    await seed.model('qwen-cooling', providerId, { input: '1', output: '1' });
    await catalogHas();

    const first = await chat('qwen-cooling', false);
    const busyTried = () => fake.requests.filter((r) => r.headers.authorization === 'Bearer sk-busy').length;
    expect(busyTried()).toBe(1);
    // While it cools (1 s), every call goes to the spare account without touching it.
    const during = [first.id];
    for (let i = 0; i < 5; i++) during.push((await chat('qwen-cooling', i % 2 === 0)).id);
    expect(busyTried()).toBe(1);
    expect((await eventsFor(during)).every((event) => event.account_id === spare)).toBe(true);
    const cooling = await until(
      () => accounts(providerId),
      (rows) => rows.default.status === 'cooling',
    );
    expect(cooling.default.cooling_until).not.toBeNull();

    fake.modeByKey.delete('sk-busy');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await chat('qwen-cooling', false);
    const [event] = await eventsFor([after.id]);
    expect(event.account_id).toBe(cooling.default.id); // weight 1000 against 1: back in rotation
    const recovered = await until(
      () => accounts(providerId),
      (rows) => rows.default.status === 'ok',
    );
    expect(recovered.default.status).toBe('ok');
  });

  it('never refuses a call on a cool-down alone: with no other account, the cooling one still gets it and the provider answers', async () => {
    const { fake, providerId } = await provider(['sk-only']);
    await seed.model('qwen-only', providerId, { input: '1', output: '1' });
    await catalogHas();
    fake.mode = { ...RATE_LIMITED, headers: { 'retry-after': '30' } };
    const ask = () =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'qwen-only', messages: [{ role: 'user', content: 'x' }] }),
      });
    const first = await ask();
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '30']);
    const second = await ask(); // the account is cooling for 30 s, but it is the only one
    expect(second.status).toBe(429);
    expect(fake.requests).toHaveLength(2);
    fake.mode = { type: 'ok' }; // the provider recovered before its Retry-After
    expect((await ask()).status).toBe(200);
    const recovered = await until(
      () => accounts(providerId),
      (rows) => rows.default.status === 'ok',
    );
    expect(recovered.default.status).toBe('ok');
  });

  it('cools every account of a limit group on one 429 and fails over to another group', async () => {
    const { fake, providerId } = await provider(['sk-g1-a', 'sk-g1-b', 'sk-other']);
    fake.modeByKey.set('sk-g1-a', RATE_LIMITED);
    fake.modeByKey.set('sk-g1-b', RATE_LIMITED);
    await seed.dataSource.query(`UPDATE provider_accounts SET weight = 1000, limit_group = 'aliyun-1' WHERE provider_id = $1`, [providerId]);
    await seed.account(providerId, 'sk-g1-b', { name: 'g1-b', weight: 1000, limitGroup: 'aliyun-1' });
    const other = await seed.account(providerId, 'sk-other', { name: 'other', weight: 1 });
    await seed.model('qwen-groups', providerId, { input: '1', output: '1' });
    await catalogHas();

    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await chat('qwen-groups', i % 2 === 0)).id);
    const grouped = fake.requests.filter((r) => r.headers.authorization !== 'Bearer sk-other');
    expect(grouped).toHaveLength(1); // the first 429 cooled the whole group: its sibling was never tried
    expect((await eventsFor(ids)).every((event) => event.status === 200 && event.account_id === other)).toBe(true);
  });

  it.each([
    ['DashScope Model.AccessDenied (403)', 403, { error: { message: 'Model access denied.', type: 'Model.AccessDenied', code: 'Model.AccessDenied' } }],
    ['Huawei ModelArts.81011 moderation (403)', 403, { error_code: 'ModelArts.81011', error_msg: 'May contain sensitive information.' }],
    ['any 400', 400, { error: { message: 'Required parameter(s) missing or invalid', type: 'InvalidParameter', code: 'InvalidParameter' } }],
  ])('answers %s at once: never retried, not held against the account', async (_what, status, body) => {
    const { fake, providerId } = await provider(['sk-first', 'sk-second']);
    const second = await seed.account(providerId, 'sk-second', { name: 'second' });
    const model = `qwen-final-${++finals}`;
    await seed.model(model, providerId, { input: '1', output: '1' });
    await catalogHas();
    fake.mode = { type: 'error', status, body };
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(body);
    expect(fake.requests).toHaveLength(1);
    const [event] = await eventsFor([res.headers.get('x-request-id')!]);
    expect(event.status).toBe(status);
    expect([second, (await accounts(providerId)).default.id]).toContain(event.account_id);
    await new Promise((resolve) => setTimeout(resolve, 700)); // one recorder flush
    const rows = await accounts(providerId);
    expect(Object.values(rows).map((row) => [row.status, row.failed_attempts])).toEqual([
      ['ok', '0'],
      ['ok', '0'],
    ]);
  });

  it('falls back to another provider’s model when every account of the model’s provider is limited or down, metered under the model that answered', async () => {
    const limited = await provider(['sk-all-limited']);
    limited.fake.mode = RATE_LIMITED;
    const backup = await provider(['sk-backup']);
    const backupAccount = (await accounts(backup.providerId)).default.id;
    await seed.model('qwen-backup', backup.providerId, { input: '4', output: '8', currency: 'CNY' });
    await seed.model('qwen-primary', limited.providerId, { input: '1', output: '1', currency: 'CNY' });
    await seed.dataSource.query(`UPDATE models SET fallbacks = ARRAY['qwen-backup'] WHERE name = 'qwen-primary'`);
    await catalogHas();

    const answers = [await chat('qwen-primary', false), await chat('qwen-primary', true)];
    const events = await eventsFor(answers.map((a) => a.id));
    for (const event of events) {
      expect(event).toMatchObject({ status: 200, model: 'qwen-backup', provider_id: backup.providerId, account_id: backupAccount });
      expect(Number(event.cost)).toBeGreaterThan(0);
    }
    expect(limited.fake.requests).toHaveLength(1); // then cooling: the second call went straight to the fallback
    expect(backup.fake.requests.every((r) => (r.body as { model: string }).model === 'qwen-backup')).toBe(true);
  });

  it('fails over on a connection failure to the fallback, and answers 502 without leaking a 401 when every account is refused', async () => {
    const gone = await provider(['sk-gone']);
    await gone.fake.close();
    const backup = await provider(['sk-backup-2']);
    await seed.model('qwen-up', backup.providerId, { input: '1', output: '1' });
    await seed.model('qwen-gone', gone.providerId, { input: '1', output: '1' });
    await seed.dataSource.query(`UPDATE models SET fallbacks = ARRAY['qwen-up'] WHERE name = 'qwen-gone'`);
    const refused = await provider(['sk-right']);
    await seed.dataSource.query(
      `UPDATE provider_accounts SET encrypted_credentials = (SELECT encrypted_credentials FROM provider_accounts WHERE provider_id = $1) WHERE provider_id = $2`,
      [gone.providerId, refused.providerId],
    );
    await seed.model('qwen-refused', refused.providerId, { input: '1', output: '1' });
    await catalogHas();

    const served = await chat('qwen-gone', false);
    const [event] = await eventsFor([served.id]);
    expect(event).toMatchObject({ status: 200, model: 'qwen-up', provider_id: backup.providerId });

    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen-refused', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    // Once refused, the account stays out until its credentials are edited: no more upstream calls.
    const again = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen-refused', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(again.status).toBe(503);
    expect(refused.fake.requests).toHaveLength(1);
  });

  it('keeps an account the database holds in auth (a provider URL change) out of rotation until its credentials change', async () => {
    const { fake, providerId } = await provider(['sk-moved']);
    await seed.model('qwen-moved', providerId, { input: '1', output: '1' });
    await seed.dataSource.query(`UPDATE provider_accounts SET status = 'auth', last_error = 'provider URL changed' WHERE provider_id = $1`, [providerId]);
    await catalogHas();
    const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen-moved', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(refused.status).toBe(503);
    expect(fake.requests).toHaveLength(0); // the stored key never went to the new URL

    // The admin sends the credentials again (a new ciphertext, status ok): the account serves.
    const [{ id }] = await seed.dataSource.query(`SELECT id FROM provider_accounts WHERE provider_id = $1`, [providerId]);
    const newKey = await seed.account(providerId, 'sk-moved', { name: 'tmp', enabled: false }); // only to seal the key afresh
    await seed.dataSource.query(
      `UPDATE provider_accounts SET encrypted_credentials = (SELECT encrypted_credentials FROM provider_accounts WHERE id = $2), status = 'ok' WHERE id = $1`,
      [id, newKey],
    );
    await seed.dataSource.query(`DELETE FROM provider_accounts WHERE id = $1`, [newKey]);
    await catalogHas();
    const served = await chat('qwen-moved', false);
    expect((await eventsFor([served.id]))[0]).toMatchObject({ status: 200, account_id: id });
  });

  describe('per-account usage over the admin API', () => {
    let admin: AdminApp;
    let token: string;

    beforeAll(async () => {
      admin = await createAdminApp(url);
      token = (await seedUser(admin.app, { role: 'finance' })).token;
    });
    afterAll(() => admin?.close());

    it('sums requests, failures, tokens and failed attempts per account, and per-provider sums still add up', async () => {
      const res = await call<{ rows: Array<Record<string, unknown>> }>(admin.url, 'GET', '/api/usage/summary?range=today&groupBy=account&limit=1000', token);
      expect(res.status).toBe(200);
      const healthy = res.body.rows.find((row) => row.account === 'healthy')!;
      expect(healthy).toMatchObject({ requests: 20, failedRequests: 0, failedAttempts: 0 });
      expect(healthy.totalTokens as number).toBeGreaterThan(0);
      const dead = res.body.rows.filter((row) => row.account === 'dead');
      expect(dead).toEqual([]); // it never answered a call: no usage rows, its failed attempt is in the account view
      const byProvider = await call<{ rows: Array<Record<string, unknown>> }>(
        admin.url,
        'GET',
        '/api/usage/summary?range=today&groupBy=provider&limit=1000',
        token,
      );
      const providerTotals = new Map(byProvider.body.rows.map((row) => [row.providerId, row.totalTokens]));
      const accountTotals = new Map<unknown, number>();
      for (const row of res.body.rows) accountTotals.set(row.providerId, (accountTotals.get(row.providerId) ?? 0) + (row.totalTokens as number));
      expect(accountTotals).toEqual(providerTotals);
    });

    it('exports the account column in contract order in the CSV', async () => {
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const res = await fetch(`${admin.url}/api/reports/usage.csv?from=${day(-1)}&to=${day(1)}&groupBy=day,account,provider`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const lines = (await res.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0].startsWith('provider,account,day,requests,failed_requests,')).toBe(true);
      const healthy = lines.filter((line) => line.split(',')[1] === 'healthy');
      expect(healthy.reduce((sum, line) => sum + Number(line.split(',')[3]), 0)).toBe(20);
    });
  });
});
