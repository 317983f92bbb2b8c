import { DataSource } from 'typeorm';
import { SecretBox } from '@app/core';
import type { AuditEntryDto } from '../../apps/admin-api/src/audit/dto/audit.dto';
import { CliIo, runCli } from '../../apps/admin-api/src/cli';
import { AdminApp, call, createAdminApp, loginAs, seedDepartment, seedUser } from '../support/admin-app';
import { createTestDatabase, TEST_SECRET_KEY, testConfig } from '@app/core/testing';

/** An audit entry as the API answers it. */
type Entry = AuditEntryDto;

describe('audit log: every change, with actor, before and after, in the change’s transaction', () => {
  let admin: AdminApp;

  beforeAll(async () => {
    admin = await createAdminApp(await createTestDatabase());
  });

  afterAll(() => admin?.close());

  it('records create/update/deactivate/revoke/delete with actor and secret-free before/after; filters and pages', async () => {
    const root = await seedUser(admin.app, { role: 'admin' });
    const lead = await seedUser(admin.app, { role: 'team_lead' });
    const as = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, token = root.token) =>
      call<T & { id: string }>(admin.url, method, path, token, body);

    const department = await as('POST', '/api/departments', { name: 'Audited' });
    await as('PATCH', `/api/departments/${department.body.id}`, { name: 'Audited 2' });
    const user = await as(
      'POST',
      '/api/users',
      { email: 'audited@x.test', name: 'A', role: 'developer', departmentId: lead.user.departmentId, password: 'a-long-password' },
      lead.token,
    );
    await as('PATCH', `/api/users/${user.body.id}`, { name: 'B' }, lead.token);
    const key = await as('POST', `/api/users/${user.body.id}/api-keys`, { name: 'k' }, lead.token);
    await as('DELETE', `/api/api-keys/${key.body.id}`, undefined, lead.token);
    await as('DELETE', `/api/users/${user.body.id}`, undefined, lead.token);
    await as('PATCH', `/api/users/${user.body.id}`, { active: true });
    const provider = await as('POST', '/api/providers', { name: 'audited-p', kind: 'openai', baseUrl: 'https://x.test/v1', apiKey: 'sk-audit-secret' });
    const model = await as('POST', '/api/models', { name: 'audited-m', providerId: provider.body.id, inputPrice: '1', outputPrice: '2', currency: 'USD' });
    await as('PATCH', `/api/models/${model.body.id}`, { inputPrice: '1.25' });
    await as('DELETE', `/api/models/${model.body.id}`);
    await as('DELETE', `/api/providers/${provider.body.id}`);
    await as('DELETE', `/api/departments/${department.body.id}`);

    const log = await as<{ items: Entry[]; nextCursor: string | null }>('GET', '/api/audit-log?limit=500');
    const actions = log.body.items.map((e) => e.action);
    for (const action of [
      'department.create',
      'department.update',
      'department.delete',
      'user.create',
      'user.update',
      'user.deactivate',
      'user.reactivate',
      'api_key.create',
      'api_key.revoke',
      'provider.create',
      'provider.delete',
      'model.create',
      'model.update',
      'model.delete',
    ]) {
      expect(actions).toContain(action);
    }
    const byLead = log.body.items.filter((e) => e.actorId === lead.user.id).map((e) => e.action);
    expect(byLead.sort()).toEqual(['api_key.create', 'api_key.revoke', 'user.create', 'user.deactivate', 'user.update']);
    const rename = log.body.items.find((e) => e.action === 'user.update' && e.entityId === user.body.id)!;
    expect(rename).toMatchObject({ actorEmail: lead.email, entityType: 'user', before: { name: 'A' }, after: { name: 'B' } });
    const price = log.body.items.find((e) => e.action === 'model.update')!;
    expect([price.before?.inputPrice, price.after?.inputPrice]).toEqual(['1', '1.25']);
    expect(log.body.items.find((e) => e.action === 'department.delete')?.before).toMatchObject({ name: 'Audited 2' });
    expect(JSON.stringify(log.body)).not.toMatch(/sk-audit-secret|a-long-password|passwordHash|keyHash|encryptedCredentials|argon2/);

    // newest first, filters, pagination
    expect(new Date(log.body.items[0].createdAt).getTime()).toBeGreaterThanOrEqual(new Date(log.body.items[log.body.items.length - 1].createdAt).getTime());
    const models = await as<{ items: Entry[] }>('GET', '/api/audit-log?entityType=model');
    expect(new Set(models.body.items.map((e) => e.entityType))).toEqual(new Set(['model']));
    const mine = await as<{ items: Entry[] }>('GET', `/api/audit-log?actorId=${lead.user.id}`);
    expect(mine.body.items).toHaveLength(5);
    const first = await as<{ items: Entry[]; nextCursor: string }>('GET', '/api/audit-log?limit=4');
    const second = await as<{ items: Entry[] }>('GET', `/api/audit-log?limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).not.toBe(first.body.items[3].id);
    expect(Number(second.body.items[0].id)).toBeLessThan(Number(first.body.items[3].id));
  });

  it('writes nothing when the change is refused (same transaction)', async () => {
    const root = await seedUser(admin.app, { role: 'admin' });
    const db = admin.app.get(DataSource);
    const count = async () => (await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM audit_log`))[0].n;
    const departmentId = await seedDepartment(admin.app);
    await seedUser(admin.app, { role: 'developer', departmentId });
    const before = await count();
    expect((await call(admin.url, 'DELETE', `/api/departments/${departmentId}`, root.token)).status).toBe(409);
    expect((await call(admin.url, 'POST', '/api/departments', root.token, { name: 'dup-check' })).status).toBe(201);
    expect((await call(admin.url, 'POST', '/api/departments', root.token, { name: 'DUP-CHECK' })).status).toBe(409);
    expect(await count()).toBe(before + 1);
  });
});

describe('start-up bootstrap from the environment', () => {
  const env = {
    ADMIN_EMAIL: 'First@Example.com',
    ADMIN_PASSWORD: 'first-admin-password',
    DASHSCOPE_API_KEY: 'sk-dashscope-env',
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tFromEnvironment',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'alibaba-env-secret',
    HUAWEI_MAAS_API_KEY: 'hw-maas-env',
    HW_ACCESS_KEY: 'HWAKFROMENV01',
    HW_SECRET_KEY: 'hw-env-secret',
    HW_REGION: 'cn-east-3',
    HW_PROJECT_ID: 'proj-env',
  };

  it('creates the first admin and one provider per kind, sealed, exactly once even with two replicas starting together', async () => {
    const url = await createTestDatabase();
    const [one, two] = await Promise.all([createAdminApp(url, env), createAdminApp(url, env)]);
    try {
      const db = one.app.get(DataSource);
      const admins = await db.query<Array<{ email: string }>>(`SELECT email FROM users WHERE role = 'admin'`);
      expect(admins).toEqual([{ email: 'first@example.com' }]);
      const token = await loginAs(two.url, 'first@example.com', 'first-admin-password');
      const providers = (await call<{ items: Array<Record<string, unknown>> }>(one.url, 'GET', '/api/providers', token)).body.items;
      expect(providers).toHaveLength(2);
      expect(providers.find((p) => p.kind === 'dashscope')).toMatchObject({
        name: 'dashscope',
        baseUrl: 'https://dashscope.aliyuncs.com',
        secretOptions: ['accessKeyId', 'accessKeySecret'],
        options: {},
      });
      expect(providers.find((p) => p.kind === 'huawei-maas')).toMatchObject({
        name: 'huawei-maas',
        baseUrl: 'https://api.modelarts-maas.com',
        options: { region: 'cn-east-3', projectId: 'proj-env' },
        secretOptions: ['accessKey', 'secretKey'],
      });
      const rows = await db.query<Array<{ kind: string; c: string }>>(`SELECT kind, encrypted_credentials AS c FROM providers ORDER BY kind`);
      const box = new SecretBox(TEST_SECRET_KEY);
      expect(box.openJson(rows[0].c)).toEqual({ apiKey: 'sk-dashscope-env', accessKeyId: 'LTAI5tFromEnvironment', accessKeySecret: 'alibaba-env-secret' });
      expect(box.openJson(rows[1].c)).toEqual({ apiKey: 'hw-maas-env', accessKey: 'HWAKFROMENV01', secretKey: 'hw-env-secret' });
      const audit = await db.query<Array<{ action: string; actor_id: string | null }>>(`SELECT action, actor_id FROM audit_log ORDER BY id`);
      expect(audit.map((a) => a.action).sort()).toEqual([
        'provider.create',
        'provider.create',
        'provider_account.create',
        'provider_account.create',
        'user.create',
      ]);
      expect(audit.every((a) => a.actor_id === null)).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
    // a restart (or one with another password) changes nothing
    const again = await createAdminApp(url, { ...env, ADMIN_PASSWORD: 'Another-meadow-lantern-8' });
    try {
      const db = again.app.get(DataSource);
      expect((await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM users`))[0].n).toBe(1);
      expect((await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM providers`))[0].n).toBe(2);
      expect(await loginAs(again.url, 'first@example.com', 'first-admin-password')).toBeTruthy();
    } finally {
      await again.close();
    }
  });

  it('refuses to start with only one of ADMIN_EMAIL and ADMIN_PASSWORD, naming them', async () => {
    await expect(createAdminApp(await createTestDatabase(), { ADMIN_EMAIL: 'lonely@example.com' })).rejects.toThrow('ADMIN_EMAIL/ADMIN_PASSWORD');
  });

  it('leaves an existing non-admin user with ADMIN_EMAIL alone (and creates no admin)', async () => {
    const url = await createTestDatabase();
    const first = await createAdminApp(url);
    await seedUser(first.app, { role: 'developer', email: 'taken@example.com' });
    await first.close();
    const app = await createAdminApp(url, { ADMIN_EMAIL: 'taken@example.com', ADMIN_PASSWORD: 'first-admin-password' });
    try {
      const rows = await app.app.get(DataSource).query<Array<{ role: string }>>(`SELECT role FROM users`);
      expect(rows).toEqual([{ role: 'developer' }]);
    } finally {
      await app.close();
    }
  });
});

describe('CLI: create-admin and reset-password', () => {
  const capture = (stdin = ''): CliIo & { lines: string[]; errors: string[] } => {
    const lines: string[] = [];
    const errors: string[] = [];
    return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), readStdin: () => Promise.resolve(stdin) };
  };

  it('creates an admin, refuses a duplicate, resets a password (ending sessions), and explains its usage', async () => {
    const url = await createTestDatabase();
    const config = testConfig(url);
    const io = capture();
    expect(await runCli(config, ['create-admin', '--email', 'Ops@Example.com', '--password', 'cli-password-1', '--name', 'Ops'], io)).toBe(0);
    expect(io.lines).toEqual(['admin ops@example.com created']);
    expect(await runCli(config, ['create-admin', '--email', 'ops@example.com', '--password', 'cli-password-1'], io)).toBe(1);
    expect(io.errors[0]).toContain('already exists');

    const app = await createAdminApp(url);
    try {
      const token = await loginAs(app.url, 'ops@example.com', 'cli-password-1');
      const me = await call<{ role: string; name: string }>(app.url, 'GET', '/api/me', token);
      expect(me.body).toMatchObject({ role: 'admin', name: 'Ops' });
      expect(await runCli(config, ['reset-password', '--email', 'OPS@example.com', '--password-stdin'], capture('cli-password-2\n'))).toBe(0);
      const deadline = Date.now() + 2000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) status = (await call(app.url, 'GET', '/api/me', token)).status;
      expect(status).toBe(401);
      expect(await loginAs(app.url, 'ops@example.com', 'cli-password-2')).toBeTruthy();
      const log = await app.app.get(DataSource).query<Array<{ action: string }>>(`SELECT action FROM audit_log ORDER BY id`);
      expect(log.map((l) => l.action)).toEqual(['user.create', 'user.password_reset']);
    } finally {
      await app.close();
    }

    expect(await runCli(config, ['reset-password', '--email', 'nobody@example.com', '--password', 'Whatever-lantern-123'], capture())).toBe(1);
    const bad = capture();
    expect(await runCli(config, ['create-admin', '--email', 'x@example.com', '--password', 'short'], bad)).toBe(2);
    expect(bad.errors[0]).toContain('--password');
    expect(await runCli(config, ['create-admin', '--email', 'x@example.com', '--pasword', 'typo-typo'], capture())).toBe(2);
    expect(await runCli(config, ['create-admin', '--password', 'no-email-given'], capture())).toBe(2);
    const help = capture();
    expect(await runCli(config, ['help'], help)).toBe(0);
    expect(help.lines[0]).toContain('create-admin');
  });
});
