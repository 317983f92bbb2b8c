import { Reflector } from '@nestjs/core';
import pino from 'pino';
import { AppLogger } from '@app/core';
import { testConfig } from '../support/test-config';
import { AdminApiModule } from '../../apps/admin-api/src/app.module';
import { IS_PUBLIC, PERMISSIONS } from '../../apps/admin-api/src/auth/decorators';
import { RunningAdmin, startAdmin } from '../support/admin-harness';
import { Seed } from '../support/seed';
import { createTestDatabase } from '../support/test-database';

describe('admin API validation, secrets and login (real HTTP, real PostgreSQL)', () => {
  let admin: RunningAdmin;
  let seed: Seed;
  let token: string;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    await seed.user({ departmentId: null, role: 'admin', email: 'root@x.test', password: 'a-long-password' });
    admin = await startAdmin(url);
    token = await admin.login('root@x.test', 'a-long-password');
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
  });

  it('declares, on every route, either @Public() or the permissions it needs (deny by default)', () => {
    const reflector = new Reflector();
    const module = AdminApiModule.register({ config: testConfig('postgres://unused@127.0.0.1:1/unused'), databaseUrl: '', logger: new AppLogger(pino({ level: 'silent' })) });
    const open: string[] = [];
    for (const controller of module.controllers ?? []) {
      const proto = (controller as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata('path', handler) === undefined) continue;
        const guarded = reflector.get(PERMISSIONS, handler as never) ?? reflector.get(PERMISSIONS, controller as never);
        const isPublic = reflector.get(IS_PUBLIC, handler as never) ?? reflector.get(IS_PUBLIC, controller as never);
        if (!guarded && !isPublic) open.push(`${(controller as { name: string }).name}.${name}`);
      }
    }
    expect(open).toEqual([]);
  });

  it('rejects unknown fields and bad values with a 400 naming the field', async () => {
    const unknown = await admin.call('POST', '/api/departments', token, { name: 'x', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.message)).toContain('colour');
    const badRole = await admin.call('POST', '/api/users', token, { email: 'a@x.test', name: 'a', departmentId: null, role: 'emperor' });
    expect(badRole.status).toBe(400);
    expect(JSON.stringify(badRole.body.message)).toContain('role');
    const badPrice = await admin.call('POST', '/api/models', token, { name: 'm', providerId: '00000000-0000-4000-8000-000000000000', inputPrice: '-1', outputPrice: '1', currency: 'USD' });
    expect(badPrice.status).toBe(400);
    expect(JSON.stringify(badPrice.body.message)).toContain('inputPrice');
    const badUrl = await admin.call('POST', '/api/providers', token, { name: 'p', kind: 'openai', baseUrl: 'not a url', apiKey: 'k' });
    expect(badUrl.status).toBe(400);
    expect(JSON.stringify(badUrl.body.message)).toContain('baseUrl');
    const missingProvider = await admin.call('POST', '/api/models', token, { name: 'm', providerId: '00000000-0000-4000-8000-000000000000', inputPrice: '1', outputPrice: '1', currency: 'USD' });
    expect(missingProvider.status).toBe(400);
    expect(missingProvider.body.message).toContain('providerId');
  });

  it('answers 404 for what does not exist and 409 for duplicates', async () => {
    expect((await admin.call('GET', '/api/users/00000000-0000-4000-8000-000000000000', token)).status).toBe(404);
    expect((await admin.call('GET', '/api/departments/not-a-uuid', token)).status).toBe(400);
    expect((await admin.call('POST', '/api/departments', token, { name: 'Dup' })).status).toBe(201);
    expect((await admin.call('POST', '/api/departments', token, { name: 'dup' })).status).toBe(409);
  });

  it('keeps provider secrets write-only and encrypted at rest', async () => {
    const created = await admin.call('POST', '/api/providers', token, {
      name: 'ali',
      kind: 'dashscope',
      baseUrl: 'https://dashscope.aliyuncs.com',
      apiKey: 'sk-very-secret',
      options: { accessKeyId: 'LTAI-id', accessKeySecret: 'ak-secret', bssEndpoint: 'https://business.aliyuncs.com' },
    });
    expect(created.status).toBe(201);
    const text = JSON.stringify((await admin.call('GET', '/api/providers', token)).body);
    expect(text).not.toContain('sk-very-secret');
    expect(text).not.toContain('ak-secret');
    expect(created.body).toMatchObject({ hasApiKey: true, options: { bssEndpoint: 'https://business.aliyuncs.com' }, secretOptions: ['accessKeyId', 'accessKeySecret'] });
    const [row] = await seed.dataSource.query(`SELECT encrypted_credentials FROM providers WHERE id = $1`, [created.body.id]);
    expect(row.encrypted_credentials).toMatch(/^v1\./);
    expect(row.encrypted_credentials).not.toContain('sk-very-secret');
  });

  it('stores only a hash of API keys and shows the key once', async () => {
    const me = await admin.call('GET', '/api/me', token);
    const created = await admin.call('POST', `/api/users/${me.body.id}/api-keys`, token, { name: 'ci' });
    const [row] = await seed.dataSource.query(`SELECT key_hash, prefix FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.key_hash).not.toBe(created.body.key);
    expect(created.body.key.startsWith(row.prefix)).toBe(true);
    const list = await admin.call('GET', `/api/users/${me.body.id}/api-keys`, token);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
  });

  it('gives one message for unknown email and wrong password, and throttles guessing', async () => {
    const unknown = await admin.call('POST', '/api/auth/login', undefined, { email: 'nobody@x.test', password: 'whatever' });
    const wrong = await admin.call('POST', '/api/auth/login', undefined, { email: 'root@x.test', password: 'wrong' });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(unknown.body.message).toBe(wrong.body.message);
    for (let i = 0; i < 5; i++) await admin.call('POST', '/api/auth/login', undefined, { email: 'victim@x.test', password: `guess-${i}` });
    const throttled = await admin.call('POST', '/api/auth/login', undefined, { email: 'victim@x.test', password: 'guess' });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('ends older sessions when the password changes', async () => {
    await seed.user({ departmentId: null, role: 'finance', email: 'fin@x.test', password: 'first-password' });
    const old = await admin.login('fin@x.test', 'first-password');
    const changed = await admin.call('POST', '/api/auth/password', old, { currentPassword: 'first-password', newPassword: 'second-password' });
    expect(changed.status).toBe(200);
    expect((await admin.call('GET', '/api/me', old)).status).toBe(401);
    expect((await admin.call('GET', '/api/me', changed.body.accessToken)).status).toBe(200);
  });

  it('serves the OpenAPI description', async () => {
    const docs = await admin.call('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/users', '/api/quotas', '/api/usage/events']));
    expect(docs.body.components.schemas.CreateUserDto).toBeDefined();
  });
});
