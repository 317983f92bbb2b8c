import { createServer, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { PollHttpError } from '../polling/provider-snapshot';

/** Outbound calls honour HTTP(S)_PROXY, follow no redirect and never return a non-JSON body. */
describe('outbound JSON calls', () => {
  let upstream: Server;
  let proxy: Server;
  let origin: string;
  const tunnels: string[] = [];
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy, http_proxy: process.env.http_proxy };

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url === '/moved') return res.writeHead(302, { location: '/json' }).end();
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>SECRET-PAGE</html>');
    });
    // a forward proxy that tunnels CONNECT, recording where to
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client, head) => {
      tunnels.push(String(req.url));
      const [host, port] = String(req.url).split(':');
      const target = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        target.write(head);
        target.pipe(client);
        client.pipe(target);
      });
      target.on('error', () => client.destroy());
    });
    for (const server of [upstream, proxy]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    for (const name of ['HTTPS_PROXY', 'NO_PROXY', 'no_proxy', 'http_proxy'] as const) delete process.env[name];
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const { outboundDispatcher } = await import('./outbound-http');
    await outboundDispatcher().close();
    for (const server of [upstream, proxy]) await new Promise((resolve) => server.close(resolve));
  });

  it('goes through HTTP_PROXY, refuses redirects and reports a non-JSON answer by status and length only', async () => {
    const { fetchJson } = await import('./outbound-http');
    await expect(fetchJson(`${origin}/json`)).resolves.toEqual({ ok: true });
    expect(tunnels).toContain(origin.replace('http://', ''));

    const redirect = await fetchJson(`${origin}/moved`).catch((error: unknown) => error);
    expect(redirect).toBeInstanceOf(PollHttpError);
    expect((redirect as PollHttpError).message).toBe('HTTP 302: redirects are not followed');

    const page = await fetchJson(`${origin}/page`).catch((error: unknown) => error);
    expect((page as PollHttpError).message).toBe('HTTP 200, not JSON (24 bytes)');
    expect(JSON.stringify(page)).not.toContain('SECRET-PAGE');

    await expect(fetchJson('http://169.254.169.254/latest/meta-data')).rejects.toThrow(/link-local or cloud-metadata/);
  });
});
