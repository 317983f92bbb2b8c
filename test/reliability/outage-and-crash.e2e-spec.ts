import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeProvider } from '../support/fake-provider';
import { freePort } from '../support/free-port';
import { GatewayProcess } from '../support/gateway-process';
import { ChatLoad, usageEventCounts } from '../support/chat-load';
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

    const load = new ChatLoad(gateway.url, dev.key, { connections: 16, workers: 8 });
    const served = load.served;
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
    await load.stop();

    expect(servedDuringOutage).toBeGreaterThan(0);
    const ids = [...served];
    const found = await usageEventCounts(seed.dataSource, ids);
    expect(found.length).toBe(ids.length);
    expect(found.every((row) => row.n === 1)).toBe(true);
    // the failed attempts (connection refused while the process was down) are not served calls
    expect(ids.length).toBeGreaterThan(100);
    expect(load.failed).toBeGreaterThanOrEqual(0);
  });
});
