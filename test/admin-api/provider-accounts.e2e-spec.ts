import { SecretBox } from '@app/core';
import { TEST_SECRET_KEY } from '@app/core/testing';
import { adminWithRoles, call } from '../support/admin-app';

type Account = {
  id: string;
  providerId: string;
  name: string;
  hasApiKey: boolean;
  secretOptions: string[];
  options: Record<string, unknown>;
  weight: number;
  enabled: boolean;
  limitGroup: string | null;
  status: string;
  coolingUntil: string | null;
  lastError: string | null;
  failedAttempts: number;
  message?: string;
};

describe('admin API: upstream accounts of a provider (/api/providers/:id/accounts)', () => {
  const scene = adminWithRoles();
  const box = new SecretBox(TEST_SECRET_KEY);
  const as = <T = Account>(method: string, path: string, body?: unknown, token = scene.root.token) => call<T>(scene.admin.url, method, path, token, body);
  const sealed = async (accountId: string) =>
    (await scene.db.query<Array<{ c: string }>>(`SELECT encrypted_credentials AS c FROM provider_accounts WHERE id = $1`, [accountId]))[0].c;
  let n = 0;
  const newProvider = async (apiKey = 'sk-first-key-secret') =>
    (await as<{ id: string }>('POST', '/api/providers', { name: `bailian-${n++}`, kind: 'dashscope', baseUrl: 'https://dashscope.aliyuncs.com', apiKey })).body
      .id;

  it('gives a provider created with apiKey its first account, holding that key sealed', async () => {
    const providerId = await newProvider('sk-first-key-secret');
    const list = await as<{ items: Account[]; nextCursor: null }>('GET', `/api/providers/${providerId}/accounts`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      name: 'default',
      hasApiKey: true,
      weight: 1,
      enabled: true,
      limitGroup: null,
      status: 'ok',
      coolingUntil: null,
      lastError: null,
      failedAttempts: 0,
    });
    expect(box.openJson(await sealed(list.body.items[0].id))).toEqual({ apiKey: 'sk-first-key-secret' });
  });

  it('creates, edits and deletes accounts; credentials are write-only and sealed; finance reads, only admin writes', async () => {
    const providerId = await newProvider();
    const created = await as('POST', `/api/providers/${providerId}/accounts`, {
      name: 'workspace-b',
      apiKey: 'sk-second-very-secret',
      weight: 3,
      limitGroup: 'aliyun-main',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      providerId,
      name: 'workspace-b',
      hasApiKey: true,
      weight: 3,
      limitGroup: 'aliyun-main',
      status: 'ok',
      secretOptions: [],
    });
    expect(box.openJson(await sealed(created.body.id))).toEqual({ apiKey: 'sk-second-very-secret' });

    const reads = [
      created.body,
      (await as('GET', `/api/providers/${providerId}/accounts`, undefined, scene.finance.token)).body,
      (await as('GET', `/api/providers/${providerId}/accounts/${created.body.id}`)).body,
    ];
    for (const body of reads) {
      const json = JSON.stringify(body);
      expect(json).not.toContain('sk-second-very-secret');
      expect(json).not.toMatch(/"apiKey"|encryptedCredentials|v1\./);
    }
    expect((await as('POST', `/api/providers/${providerId}/accounts`, { name: 'x', apiKey: 'k' }, scene.finance.token)).status).toBe(403);
    expect((await as('PATCH', `/api/providers/${providerId}/accounts/${created.body.id}`, { weight: 2 }, scene.finance.token)).status).toBe(403);

    const renamed = await as('PATCH', `/api/providers/${providerId}/accounts/${created.body.id}`, {
      name: 'workspace-c',
      weight: 5,
      limitGroup: null,
      enabled: false,
    });
    expect(renamed.body).toMatchObject({ name: 'workspace-c', weight: 5, limitGroup: null, enabled: false, status: 'disabled' });
    expect(box.openJson(await sealed(created.body.id))).toEqual({ apiKey: 'sk-second-very-secret' }); // untouched without apiKey
    const enabled = await as('PATCH', `/api/providers/${providerId}/accounts/${created.body.id}`, { enabled: true });
    expect(enabled.body.status).toBe('ok');

    const audit = await scene.db.query(`SELECT action, before, after FROM audit_log WHERE entity_type = 'provider_account' AND entity_id = $1 ORDER BY id`, [
      created.body.id,
    ]);
    expect(audit.map((entry: { action: string }) => entry.action)).toEqual(['provider_account.create', 'provider_account.update', 'provider_account.update']);
    expect(JSON.stringify(audit)).not.toContain('sk-second-very-secret');

    expect((await as('DELETE', `/api/providers/${providerId}/accounts/${created.body.id}`)).status).toBe(204);
    expect((await as('GET', `/api/providers/${providerId}/accounts/${created.body.id}`)).status).toBe(404);
  });

  it('refuses bad input with the field named: duplicates, weights, limit groups, unknown fields and options', async () => {
    const providerId = await newProvider();
    const bad = async (body: unknown, status: number, field: RegExp) => {
      const res = await as('POST', `/api/providers/${providerId}/accounts`, body);
      expect(res.status).toBe(status);
      expect(String(res.body.message)).toMatch(field);
    };
    await bad({ name: 'DEFAULT', apiKey: 'k' }, 409, /name/);
    await bad({ name: 'a', apiKey: 'k', weight: 0 }, 400, /weight/);
    await bad({ name: 'a', apiKey: 'k', weight: 1.5 }, 400, /weight/);
    await bad({ name: 'a', apiKey: 'k', limitGroup: 'has spaces' }, 400, /limitGroup/);
    await bad({ name: 'a', apiKey: 'k', secret: 'x' }, 400, /secret/);
    await bad({ name: 'a', apiKey: 'k', options: { accessToken: 'x' } }, 400, /options\.accessToken/);
    expect((await as('GET', `/api/providers/00000000-0000-4000-8000-000000000000/accounts`)).status).toBe(404);
    expect((await as('PATCH', `/api/providers/${providerId}/accounts/00000000-0000-4000-8000-000000000000`, { weight: 2 })).status).toBe(404);
  });

  it('keeps an account with usage history (disable it instead)', async () => {
    const providerId = await newProvider();
    const [account] = (await as<{ items: Account[] }>('GET', `/api/providers/${providerId}/accounts`)).body.items;
    await scene.db.query(
      `INSERT INTO usage_rollups (bucket_start, user_id, provider_id, account_id, model, currency, requests) VALUES (now(), $1, $2, $3, 'm', 'CNY', 1)`,
      [scene.root.user.id, providerId, account.id],
    );
    const res = await as('DELETE', `/api/providers/${providerId}/accounts/${account.id}`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/enabled/);
  });

  it('puts every account in auth when the provider URL changes, until its credentials are sent again; clears auth on new credentials', async () => {
    const providerId = await newProvider('sk-old-url-key');
    const second = (await as('POST', `/api/providers/${providerId}/accounts`, { name: 'second', apiKey: 'sk-second' })).body;
    // a new URL needs the provider's key again (400 naming apiKey otherwise); accounts not re-keyed go to auth
    expect((await as('PATCH', `/api/providers/${providerId}`, { baseUrl: 'https://dashscope-intl.aliyuncs.com' })).status).toBe(400);
    const moved = await as<{ id: string }>('PATCH', `/api/providers/${providerId}`, {
      baseUrl: 'https://dashscope-intl.aliyuncs.com',
      apiKey: 'sk-provider-new-url',
    });
    expect(moved.status).toBe(200);
    let items = (await as<{ items: Account[] }>('GET', `/api/providers/${providerId}/accounts`)).body.items;
    expect(items.map((a) => [a.name, a.status])).toEqual([
      ['default', 'auth'],
      ['second', 'auth'],
    ]);
    expect(items[0].lastError).toMatch(/URL changed/);

    const rekeyed = await as('PATCH', `/api/providers/${providerId}/accounts/${second.id}`, { apiKey: 'sk-second-for-new-url' });
    expect(rekeyed.body).toMatchObject({ status: 'ok', coolingUntil: null });
    items = (await as<{ items: Account[] }>('GET', `/api/providers/${providerId}/accounts`)).body.items;
    expect(items.map((a) => [a.name, a.status])).toEqual([
      ['default', 'auth'],
      ['second', 'ok'],
    ]);

    // A provider-level apiKey sent with the URL goes to its only account, which stays usable.
    const single = await newProvider('sk-single');
    await as('PATCH', `/api/providers/${single}`, { baseUrl: 'https://dashscope-intl.aliyuncs.com', apiKey: 'sk-single-new' });
    const [only] = (await as<{ items: Account[] }>('GET', `/api/providers/${single}/accounts`)).body.items;
    expect(only.status).toBe('ok');
    expect(box.openJson(await sealed(only.id))).toEqual({ apiKey: 'sk-single-new' });
  });

  it('shows the health the gateway recorded: cooling until, last error, failed attempts; an expired cool-down reads ok', async () => {
    const providerId = await newProvider();
    const [account] = (await as<{ items: Account[] }>('GET', `/api/providers/${providerId}/accounts`)).body.items;
    const until = new Date(Date.now() + 60_000);
    await scene.db.query(
      `UPDATE provider_accounts SET status = 'cooling', cooling_until = $2, last_error = 'Throttling.RateQuota', last_error_at = now(), failed_attempts = 7 WHERE id = $1`,
      [account.id, until],
    );
    const cooling = (await as('GET', `/api/providers/${providerId}/accounts/${account.id}`, undefined, scene.finance.token)).body;
    expect(cooling).toMatchObject({ status: 'cooling', coolingUntil: until.toISOString(), lastError: 'Throttling.RateQuota', failedAttempts: 7 });
    await scene.db.query(`UPDATE provider_accounts SET cooling_until = now() - interval '1 second' WHERE id = $1`, [account.id]);
    expect((await as('GET', `/api/providers/${providerId}/accounts/${account.id}`)).body).toMatchObject({ status: 'ok', coolingUntil: null });
  });
});
