import { lookup as dnsLookup } from 'node:dns';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { guardedConnector } from './guarded-connector';
import { isForbiddenAddress, isForbiddenHost, OutboundAddressRefusedError, outboundUrlProblem } from './outbound-address';

describe('outbound addresses (SSRF)', () => {
  it('refuses link-local and cloud-metadata addresses, in every spelling', () => {
    for (const address of ['169.254.169.254', '169.254.0.1', '100.100.100.200', 'fe80::1', '[fe80::a:b]', 'febf::1', 'fd00:ec2::254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe']) {
      expect([address, isForbiddenAddress(address)]).toEqual([address, true]);
    }
    for (const host of ['metadata.google.internal', 'METADATA.google.internal.', 'metadata', 'metadata.goog', 'instance-data']) {
      expect([host, isForbiddenHost(host)]).toEqual([host, true]);
    }
  });

  it('allows loopback, private LAN and public addresses (companies run models in-house)', () => {
    for (const host of ['127.0.0.1', '::1', '10.1.2.3', '192.168.1.10', '172.16.5.4', '100.100.100.201', 'fd00:ec2::253', 'fc00::1', 'localhost', 'dashscope.aliyuncs.com', '8.8.8.8']) {
      expect([host, isForbiddenHost(host)]).toEqual([host, false]);
    }
  });

  it('names the problem of a URL, or none', () => {
    expect(outboundUrlProblem('http://169.254.169.254/latest/meta-data')).toMatch(/link-local or cloud-metadata/);
    expect(outboundUrlProblem('http://[fd00:ec2::254]/')).toMatch(/link-local/);
    expect(outboundUrlProblem('http://metadata.google.internal/computeMetadata/v1')).toMatch(/metadata/);
    expect(outboundUrlProblem('ftp://example.com')).toMatch(/http\(s\)/);
    expect(outboundUrlProblem('http://10.0.0.8:8000/v1')).toBeNull();
  });

  describe('at connect time', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end('{"ok":true}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    // A resolver standing in for DNS: `rebound.test` answers a metadata address (DNS rebinding),
    // `lan.test` a loopback one; everything else as the system resolves it.
    const resolve = ((hostname: string, options: object, callback: (error: Error | null, addresses: Array<{ address: string; family: number }>) => void) => {
      if (hostname === 'rebound.test') return callback(null, [{ address: '169.254.169.254', family: 4 }]);
      if (hostname === 'lan.test') return callback(null, [{ address: '127.0.0.1', family: 4 }]);
      return dnsLookup(hostname, options as never, callback as never);
    }) as unknown as typeof dnsLookup;

    it('refuses a name that resolves to a metadata address, and a literal one, without connecting', async () => {
      const agent = new Agent({ connect: guardedConnector({ timeout: 2000, resolve }) });
      try {
        await expect(request(`http://rebound.test:${port}/`, { dispatcher: agent })).rejects.toBeInstanceOf(OutboundAddressRefusedError);
        const started = Date.now();
        await expect(request('http://169.254.169.254/latest/meta-data', { dispatcher: agent })).rejects.toBeInstanceOf(OutboundAddressRefusedError);
        expect(Date.now() - started).toBeLessThan(500);
        const ok = await request(`http://lan.test:${port}/`, { dispatcher: agent });
        expect(await ok.body.json()).toEqual({ ok: true });
      } finally {
        await agent.close();
      }
    });
  });
});
