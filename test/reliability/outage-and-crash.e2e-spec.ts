import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { FakeProvider } from '../support/fake-provider';
import { freePort } from '../support/free-port';
import { GatewayProcess } from '../support/gateway-process';
import { Seed } from '../support/seed';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, waitFor } from '@app/core/testing';

/**
 * The promise of issue "nothing lost": a load of concurrent calls runs through a 5-second
 * database outage and a SIGKILL of the gateway, and afterwards every call the clients saw
 * succeed has exactly one usage event. The gateway reaches PostgreSQL through a relay this suite
 * cuts for five seconds: to the gateway, the database is gone.
 */
describe('metering survives a database outage and a SIGKILL (real processes)', () => {
  jest.setTimeout(180_000);

  let url: string;
  let proxied: string;
  let proxy: TcpProxy;
  let seed: Seed;
  let fake: FakeProvider;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    url = await createTestDatabase();
    proxy = await TcpProxy.start(Number(new URL(url).port));
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    proxied = viaProxy.toString();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai');
  });

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    await seed?.close();
    await fake?.close();
    await proxy?.close();
  });

  it('meters every successful call exactly once', async () => {
    const providerId = await seed.provider('openai', fake.baseUrl, fake.apiKey);
    await seed.model('gpt-test', providerId, { input: '1', output: '2', currency: 'USD' });
    const dev = await seed.developer();
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-outage-data-'));
    gateway = new GatewayProcess(await freePort(), { DATABASE_URL: proxied, DATA_DIR: dataDir });
    await gateway.start();

    const served = new Set<string>();
    let failed = 0;
    let running = true;
    const client = new Pool(gateway.url, { connections: 16 });
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'count me' }] });
    const worker = async () => {
      while (running) {
        try {
          const res = await client.request({
            method: 'POST',
            path: '/v1/chat/completions',
            headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
            body,
          });
          await res.body.text();
          if (res.statusCode === 200) served.add(String(res.headers['x-request-id']));
          else failed++;
        } catch {
          failed++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await waitFor(() => served.size >= 50, 'calls served before the outage');
    proxy.cut(); // database outage: the gateway keeps serving from cache and spools usage
    const duringOutageFrom = served.size;
    await sleep(5000);
    const servedDuringOutage = served.size - duringOutageFrom;
    proxy.restore();
    const atRestore = served.size;
    await waitFor(() => served.size >= atRestore + 50, 'calls served after the database is back');
    await gateway.kill('SIGKILL'); // crash with events possibly still unwritten
    await gateway.start(); // same DATA_DIR: replays the dead process's spool
    const atRestart = served.size;
    await waitFor(() => served.size >= atRestart + 50, 'calls served by the restarted gateway');
    running = false;
    await Promise.all(workers);
    await client.close();

    expect(servedDuringOutage).toBeGreaterThan(0);
    const ids = [...served];
    let found: Array<{ id: string; n: number }> = [];
    for (let i = 0; i < 100; i++) {
      found = await seed.dataSource.query(`SELECT id::text, count(*)::int AS n FROM usage_events WHERE id = ANY($1::uuid[]) GROUP BY id`, [ids]);
      if (found.length === ids.length) break;
      await sleep(300);
    }
    expect(found.length).toBe(ids.length);
    expect(found.every((row) => row.n === 1)).toBe(true);
    // the failed attempts (connection refused while the process was down) are not served calls
    expect(ids.length).toBeGreaterThan(100);
    expect(failed).toBeGreaterThanOrEqual(0);
  });
});
