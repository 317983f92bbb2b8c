import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

const BUILT = join(__dirname, '..', '..', 'dist', 'console', 'index.html');

/** The console's files as the admin API serves them: strict CSP, hashed assets cached, nothing else reachable. */
describe('console files and pre-sign-in config', () => {
  let admin: AdminApp;
  let seed: Seed;

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error('The console is not built: run `npm run build` first');
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    admin = await createAdminApp(url, { HOST: '10.1.2.3', GATEWAY_PORT: '9090' });
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
  });

  it('serves index.html and its hashed assets under a CSP without inline or eval', async () => {
    const index = await fetch(`${admin.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe-|\*|https?:/);
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/<style|style="/);
    const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(`${admin.url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await res.text();
      expect(body).not.toMatch(/\beval\(|new Function\(/);
      expect(body).not.toMatch(/https:\/\/(cdn|unpkg|fonts\.googleapis)/);
    }
  });

  it('serves nothing but the built files', async () => {
    for (const path of ['/dashboard/..%2F..%2Fpackage.json', '/dashboard/missing.js', '/dashboard/index.html', '/dashboard/.env']) {
      expect((await fetch(`${admin.url}${path}`)).status).toBe(404);
    }
    expect(readFileSync(BUILT, 'utf8')).toContain('/dashboard/');
  });

  it('tells the sign-in page the gateway address and whether the first admin is still missing', async () => {
    const before = await admin.call('GET', '/api/console/config');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ gatewayUrl: 'http://10.1.2.3:9090', needsFirstAdmin: true, firstAdminCommand: expect.stringContaining('create-admin') });
    await seed.user({ departmentId: null, role: 'admin', email: 'root@x.test', password: 'a-long-password-for-tests' });
    expect((await admin.call('GET', '/api/console/config')).body.needsFirstAdmin).toBe(false);
  });
});
