import { request } from 'undici';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase } from '@app/core/testing';

/**
 * DB_OUTAGE_POLICY: with the database gone, `serve` keeps admitting a quota'd user against the
 * room that was left at the last contact (bounded by it), `refuse` answers 503 as soon as a
 * lease would need the database.
 */
describe.each(['serve', 'refuse'] as const)('database outage with DB_OUTAGE_POLICY=%s', (policy) => {
  let seed: Seed;
  let fake: FakeProvider;
  let proxy: TcpProxy;
  let gateway: RunningGateway;
  let key: string;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai');
    await seed.model('gpt-test', await seed.provider('openai', fake.baseUrl, fake.apiKey));
    const dev = await seed.developer();
    key = dev.key;
    await seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_requests) VALUES ('user', $1, 'day', 40)`, [dev.userId]);
    proxy = await TcpProxy.start(Number(new URL(url).port));
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    gateway = await startGateway(viaProxy.toString(), { DB_OUTAGE_POLICY: policy });
  });

  afterAll(async () => {
    proxy.restore();
    await gateway?.close();
    await proxy?.close();
    await fake?.close();
    await seed?.close();
  });

  const call = async () => {
    const res = await request(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 }),
    });
    const body = (await res.body.json()) as { error?: { code: string } };
    return { status: res.statusCode, code: body.error?.code };
  };

  it(policy === 'serve' ? 'keeps serving within the last known room' : 'refuses with 503 once a lease needs the database', async () => {
    expect((await call()).status).toBe(200); // key cached, lease acquired (a share of the 40)
    proxy.cut();
    const results = [];
    for (let i = 0; i < 45; i++) results.push(await call());
    const ok = results.filter((r) => r.status === 200).length;
    if (policy === 'serve') {
      expect(ok).toBe(39); // exactly the room left: never more than the quota
      expect(results.filter((r) => r.status === 429)).toHaveLength(6);
    } else {
      expect(ok).toBeLessThan(39); // only what the lease already held
      expect(results.filter((r) => r.status === 503).every((r) => r.code === 'service_unavailable')).toBe(true);
      expect(results.some((r) => r.status === 503)).toBe(true);
    }
    proxy.restore();
  });
});
