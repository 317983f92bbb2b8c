import { createHash } from 'node:crypto';
import { SecretBox } from '@app/core';
import { TEST_SECRET_KEY } from '@app/core/testing';
import { adminWithRoles, call, seedUser } from '../support/admin-app';

type Body = Record<string, unknown> & { id: string; message?: string };

describe('secrets are write-only: provider credentials sealed, API keys shown once and stored as hashes', () => {
  const scene = adminWithRoles();
  const box = new SecretBox(TEST_SECRET_KEY);
  const as = <T = Body>(method: string, path: string, body?: unknown, token = scene.root.token) => call<T>(scene.admin.url, method, path, token, body);
  const createProvider = (name: string, kind: string, baseUrl: string, apiKey: string, options: Record<string, string>) =>
    as('POST', '/api/providers', { name, kind, baseUrl, apiKey, options });
  const sealed = async (id: string) =>
    (
      await scene.db.query<Array<{ c: string; options: Record<string, unknown> }>>(`SELECT encrypted_credentials AS c, options FROM providers WHERE id = $1`, [
        id,
      ])
    )[0];

  it('never returns a provider’s API key or secret options; stores them as ciphertext; keeps plain options plain', async () => {
    const created = await createProvider('bailian', 'dashscope', 'https://dashscope.aliyuncs.com/', 'sk-very-secret-dashscope', {
      accessKeyId: 'LTAI5tVerySecretId',
      accessKeySecret: 'alibaba-very-secret',
      bssEndpoint: 'https://business.aliyuncs.com',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'dashscope',
      baseUrl: 'https://dashscope.aliyuncs.com',
      hasApiKey: true,
      options: { bssEndpoint: 'https://business.aliyuncs.com' },
      secretOptions: ['accessKeyId', 'accessKeySecret'],
      maskedOptions: { accessKeyId: 'LTAI…Id' },
    });
    const reads = [
      created.body,
      (await as('GET', '/api/providers')).body,
      (await as('GET', `/api/providers/${created.body.id}`)).body,
      (await as('GET', '/api/providers', undefined, scene.finance.token)).body,
    ];
    for (const body of reads) {
      const json = JSON.stringify(body);
      for (const secret of ['sk-very-secret-dashscope', 'alibaba-very-secret', 'LTAI5tVerySecretId', 'v1.']) expect(json).not.toContain(secret);
      expect(json).not.toMatch(/"apiKey"|encryptedCredentials|accessKeySecret":/);
    }
    const row = await sealed(created.body.id);
    expect(row.c).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row.c).not.toContain('secret');
    expect(box.openJson(row.c)).toEqual({ apiKey: 'sk-very-secret-dashscope', accessKeyId: 'LTAI5tVerySecretId', accessKeySecret: 'alibaba-very-secret' });
    expect(row.options).toEqual({ bssEndpoint: 'https://business.aliyuncs.com' });
  });

  it('replaces the key, merges options, removes one with null, and validates options by kind', async () => {
    const created = await createProvider('maas', 'huawei-maas', 'https://api.modelarts-maas.com', 'hw-key-1', {
      accessKey: 'HWAKEXAMPLE12',
      secretKey: 'hw-sk',
      region: 'cn-southwest-2',
    });
    const patched = await as('PATCH', `/api/providers/${created.body.id}`, { apiKey: 'hw-key-2', options: { projectId: 'p-123', secretKey: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      options: { region: 'cn-southwest-2', projectId: 'p-123' },
      secretOptions: ['accessKey'],
      maskedOptions: { accessKey: 'HWAK…12' },
    });
    expect(box.openJson((await sealed(created.body.id)).c)).toEqual({ apiKey: 'hw-key-2', accessKey: 'HWAKEXAMPLE12' });

    const unknown = await as('PATCH', `/api/providers/${created.body.id}`, { options: { accessKeyId: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/^options\.accessKeyId: not an option of a huawei-maas provider/);
    const badUrl = await as('PATCH', `/api/providers/${created.body.id}`, { options: { iamEndpoint: 'iam.example' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.message).toContain('options.iamEndpoint');
    // a change of kind must drop what the new kind does not take
    const kindChange = await as('PATCH', `/api/providers/${created.body.id}`, { kind: 'openai' });
    expect(kindChange.status).toBe(400);
    // a new URL needs the key again (stored credentials never follow a new URL)
    const dropped = await as('PATCH', `/api/providers/${created.body.id}`, {
      kind: 'openai',
      baseUrl: 'https://maas.example/v1',
      apiKey: 'hw-key-3',
      options: { accessKey: null, region: null, projectId: null },
    });
    expect(dropped.body).toMatchObject({ kind: 'openai', options: {}, secretOptions: [], hasApiKey: true });
    expect((await as('POST', '/api/providers', { name: 'MAAS', kind: 'openai', baseUrl: 'https://x.test/v1', apiKey: 'k' })).status).toBe(409);
  });

  it('keeps secrets out of the audit log', async () => {
    const log = JSON.stringify((await as('GET', '/api/audit-log?entityType=provider&limit=500')).body);
    expect(log).toContain('provider.create');
    for (const secret of ['sk-very-secret-dashscope', 'alibaba-very-secret', 'LTAI5tVerySecretId', 'hw-key-1', 'hw-key-2', 'hw-sk', 'v1.'])
      expect(log).not.toContain(secret);
    expect(log).toContain('"apiKeyChanged":true');
  });

  it('shows an API key once, in the POST answer, and stores only its SHA-256', async () => {
    const dev = await seedUser(scene.admin.app, { role: 'developer' });
    const created = await as<Body & { key: string; prefix: string }>(
      'POST',
      `/api/users/${dev.user.id}/api-keys`,
      { name: 'ci', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      dev.token,
    );
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^tg_[\w-]{40,}$/);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    const [row] = await scene.db.query<Array<{ key_hash: string; prefix: string }>>(`SELECT key_hash, prefix FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(row.key_hash).toBe(createHash('sha256').update(created.body.key).digest('hex'));
    const [{ n }] = await scene.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM api_keys WHERE key_hash = $1 OR prefix = $1`, [
      created.body.key,
    ]);
    expect(n).toBe(0);
    const list = await as<{ items: Array<Record<string, unknown>> }>('GET', `/api/users/${dev.user.id}/api-keys`, undefined, dev.token);
    expect(Object.keys(list.body.items[0]).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'name', 'prefix', 'revokedAt', 'userId']);
    const json = JSON.stringify(list.body) + JSON.stringify((await as('GET', '/api/audit-log?entityType=api_key&limit=500')).body);
    expect(json).not.toContain(created.body.key);
    expect(json).not.toContain(row.key_hash);
  });

  it('revokes a key (once; again is harmless) and refuses expiry dates in the past', async () => {
    const dev = await seedUser(scene.admin.app, { role: 'developer' });
    const key = await as('POST', `/api/users/${dev.user.id}/api-keys`, {}, dev.token);
    expect((await as('DELETE', `/api/api-keys/${key.body.id}`, undefined, dev.token)).status).toBe(204);
    expect((await as('DELETE', `/api/api-keys/${key.body.id}`, undefined, dev.token)).status).toBe(204);
    const [listed] = (await as<{ items: Array<{ revokedAt: string | null }> }>('GET', `/api/users/${dev.user.id}/api-keys`, undefined, dev.token)).body.items;
    expect(listed.revokedAt).toEqual(expect.any(String));
    const past = await as('POST', `/api/users/${dev.user.id}/api-keys`, { expiresAt: '2020-01-01T00:00:00Z' }, dev.token);
    expect(past.status).toBe(400);
    expect(past.body.message).toContain('expiresAt');
    const revocations = (await as<{ items: unknown[] }>('GET', `/api/audit-log?action=api_key.revoke&entityId=${key.body.id}`)).body.items;
    expect(revocations).toHaveLength(1);
  });
});
