import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

const PERIOD_SECONDS = 1;
const WINDOW_SECONDS = 6;

describe('one poll per provider per period across admin-API replicas (DESIGN §6)', () => {
  let replicas: AdminApp[] = [];
  let seed: Seed;
  let fake: Server;
  let origin: string;
  let databaseUrl: string;
  const hits: Array<{ key: string; at: number }> = [];

  beforeAll(async () => {
    const url = await createTestDatabase();
    databaseUrl = url;
    seed = await Seed.connect(url);
    await seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password: 'a-long-password' });
    fake = createServer((req, res) => {
      hits.push({ key: String(req.headers.authorization), at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ output: { total: 0, quotas: [] } }));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    replicas = await Promise.all([0, 1].map(() => createAdminApp(url, { PROVIDER_POLL_SECONDS: String(PERIOD_SECONDS) })));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await seed?.close();
    await new Promise((resolve) => fake?.close(resolve));
  });

  it('polls each provider once per period with two replicas ticking, and "poll now" takes the turn', async () => {
    const token = await replicas[0].login('admin@x.test', 'a-long-password');
    for (const name of ['a', 'b', 'c']) {
      const created = await replicas[0].call('POST', '/api/providers', token, { name, kind: 'dashscope', baseUrl: origin, apiKey: `sk-${name}` });
      expect(created.status).toBe(201);
    }
    // let the first turns happen, then count over a window
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000));
    const to = Date.now();
    const counts = ['a', 'b', 'c'].map((name) => hits.filter((hit) => hit.key === `Bearer sk-${name}` && hit.at >= from && hit.at < to).length);
    // at most one per period (+1 for a turn on the window's edge), never one per replica; and the turns do come
    expect({ counts, tooMany: counts.filter((count) => count > WINDOW_SECONDS / PERIOD_SECONDS + 1) }).toEqual({ counts, tooMany: [] });
    expect({ counts, tooFew: counts.filter((count) => count < WINDOW_SECONDS / PERIOD_SECONDS / 2) }).toEqual({ counts, tooFew: [] });

    // a manual poll is the same claim without the time check: it polls now and takes the turn
    await Promise.all(replicas.map((replica) => replica.app.close().catch(() => undefined)));
    replicas = [await createAdminApp(databaseUrl, { PROVIDER_POLL_SECONDS: '3600' })];
    const adminToken = await replicas[0].login('admin@x.test', 'a-long-password');
    const [provider] = (await replicas[0].call('GET', '/api/providers', adminToken)).body.items;
    const before = hits.length;
    const polled = await replicas[0].call('POST', `/api/providers/${provider.id}/poll`, adminToken);
    expect(polled.body).toMatchObject({ status: 'ok', providerId: provider.id });
    const [state]: Array<{ ahead: boolean }> = await seed.dataSource.query(
      `SELECT next_at > now() + interval '3500 seconds' AS ahead FROM provider_poll_state WHERE provider_id = $1`,
      [provider.id],
    );
    expect(state.ahead).toBe(true);
    expect(hits.length).toBe(before + 1);
  });
});
