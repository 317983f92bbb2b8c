import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

/** A loopback HTTP server answering with `handler`, counting the requests it got. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; origin: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('provider URLs cannot be turned inward (SSRF)', () => {
  let admin: AdminApp;
  let seed: Seed;
  let token: string;
  let internal: Awaited<ReturnType<typeof listen>>;
  let redirecting: Awaited<ReturnType<typeof listen>>;
  let html: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    await seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password: 'a-long-password' });
    internal = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ output: { total: 0, quotas: [] }, secret: 'INTERNAL-ONLY' }));
    });
    redirecting = await listen((_req, res) => {
      res.writeHead(302, { location: `${internal.origin}/api/v1/quotas` });
      res.end();
    });
    html = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>INTERNAL-ADMIN-PAGE root:x:0:0</body></html>');
    });
    admin = await createAdminApp(url, { PROVIDER_POLL_SECONDS: '3600' });
    token = await admin.login('admin@x.test', 'a-long-password');
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
    for (const listener of [internal, redirecting, html]) await new Promise((resolve) => listener?.server.close(resolve));
  });

  const create = (body: Record<string, unknown>) => admin.call('POST', '/api/providers', token, { kind: 'dashscope', apiKey: 'sk-1', ...body });

  it('refuses base URLs and endpoint options on link-local and cloud-metadata addresses, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ baseUrl: 'http://169.254.169.254' }, 'baseUrl'],
      [{ baseUrl: 'http://100.100.100.200/latest/meta-data' }, 'baseUrl'],
      [{ baseUrl: 'http://[fd00:ec2::254]' }, 'baseUrl'],
      [{ baseUrl: 'http://[fe80::1]:8080' }, 'baseUrl'],
      [{ baseUrl: 'http://metadata.google.internal' }, 'baseUrl'],
      [{ baseUrl: 'https://dashscope.aliyuncs.com', options: { bssEndpoint: 'http://169.254.169.254' } }, 'options.bssEndpoint'],
      [{ baseUrl: 'https://x.test', kind: 'huawei-maas', options: { iamEndpoint: 'http://metadata' } }, 'options.iamEndpoint'],
      [{ baseUrl: 'https://x.test', kind: 'huawei-maas', options: { modelartsEndpoint: 'http://[::ffff:169.254.169.254]' } }, 'options.modelartsEndpoint'],
    ];
    for (const [index, [body, field]] of cases.entries()) {
      const res = await create({ name: `bad-${index}`, ...body });
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.body.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
    }
    // loopback and private LAN stay allowed: companies run models in-house
    expect((await create({ name: 'lan', baseUrl: 'http://10.0.0.8:8000' })).status).toBe(201);
    expect((await create({ name: 'local', baseUrl: 'http://127.0.0.1:9', options: { bssEndpoint: 'http://192.168.1.20' } })).status).toBe(201);
  });

  it('requires the credentials again when a URL changes, so stored secrets never follow it', async () => {
    const created = await create({
      name: 'moving',
      baseUrl: 'https://dashscope.aliyuncs.com',
      options: { accessKeyId: 'LTAI5tExample', accessKeySecret: 'ak-secret' },
    });
    const id = created.body.id as string;
    const patch = (body: Record<string, unknown>) => admin.call('PATCH', `/api/providers/${id}`, token, body);

    const baseOnly = await patch({ baseUrl: 'http://127.0.0.1:4444' });
    expect(baseOnly.status).toBe(400);
    expect(baseOnly.body.message).toMatch(/^apiKey: changing baseUrl requires/);
    const endpointOnly = await patch({ options: { bssEndpoint: 'http://127.0.0.1:4444' } });
    expect(endpointOnly.status).toBe(400);
    expect(endpointOnly.body.message).toMatch(/^apiKey: changing options\.bssEndpoint requires/);
    const keyOnly = await patch({ baseUrl: 'http://127.0.0.1:4444', apiKey: 'sk-2' });
    expect(keyOnly.status).toBe(400);
    expect(keyOnly.body.message).toMatch(/^options\.accessKey(Id|Secret): changing baseUrl requires/);
    const metadata = await patch({ baseUrl: 'http://169.254.169.254', apiKey: 'sk-2', options: { accessKeyId: 'LTAI5tOther1', accessKeySecret: 's2' } });
    expect(metadata.status).toBe(400);
    expect(metadata.body.message).toMatch(/^baseUrl: /);

    const everything = await patch({ baseUrl: 'http://127.0.0.1:4444', apiKey: 'sk-2', options: { accessKeyId: 'LTAI5tOther1', accessKeySecret: 's2' } });
    expect(everything.status).toBe(200);
    // the same URL again, or a change that is not a URL, needs nothing
    expect((await patch({ baseUrl: 'http://127.0.0.1:4444/', name: 'moved' })).status).toBe(200);
    expect((await patch({ enabled: false })).status).toBe(200);
  });

  it('never follows a redirect and never copies a non-JSON answer into a snapshot', async () => {
    const redirected = await create({ name: 'redirected', baseUrl: redirecting.origin });
    const polled = await admin.call('POST', `/api/providers/${redirected.body.id}/poll`, token);
    expect(polled.body).toMatchObject({ status: 'error' });
    expect(polled.body.message).toMatch(/302/);
    expect(internal.hits).toEqual([]);
    expect(redirecting.hits.length).toBe(1);

    const page = await create({ name: 'html-page', baseUrl: html.origin });
    const htmlPoll = await admin.call('POST', `/api/providers/${page.body.id}/poll`, token);
    expect(htmlPoll.body).toMatchObject({ status: 'error' });
    expect(htmlPoll.body.message).toMatch(/HTTP 200, not JSON \(\d+ bytes\)/);
    const everything = JSON.stringify((await admin.call('GET', '/api/providers/quota', token)).body);
    expect(everything).not.toContain('INTERNAL-ADMIN-PAGE');
    expect(everything).not.toContain('root:x');
    const [raw]: Array<{ raw: unknown }> = await seed.dataSource.query(`SELECT raw FROM provider_snapshots WHERE provider_id = $1`, [page.body.id]);
    expect(JSON.stringify(raw)).not.toContain('INTERNAL-ADMIN-PAGE');
  });
});
