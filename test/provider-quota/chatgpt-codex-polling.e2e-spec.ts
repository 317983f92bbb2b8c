import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretBox } from '@app/core';
import { FakeChatGptCodex, whamUsage } from '../fakes/chatgpt-codex';
import { Seed } from '../support/seed';
import { createTestDatabase, TEST_SECRET_KEY } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

interface AccountView {
  accountId: string;
  accountName: string;
  status: string;
  message: string | null;
  plan: string | null;
  windows: Record<string, { usedPercent: number; remainingPercent: number; resetAt: string | null; limitWindowSeconds: number }>;
  credits: { balance: string | null } | null;
}

describe('chatgpt-codex seats: wham/usage per account, token refresh, clear statuses (fakes on loopback)', () => {
  let admin: AdminApp;
  let seed: Seed;
  let codex: FakeChatGptCodex;
  let hook: Server;
  let token: string;
  let providerId: string;
  const alerts: Array<{ type: string; message: string; details?: { accountId?: string } }> = [];
  const box = new SecretBox(TEST_SECRET_KEY);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    await seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password: 'a-long-password' });
    codex = await FakeChatGptCodex.start();
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        alerts.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    admin = await createAdminApp(url, { PROVIDER_POLL_SECONDS: '3600', ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts` });
    token = await admin.login('admin@x.test', 'a-long-password');

    // 'expiring': Tollgate owns its tokens; the access token has expired; 5 h window swapped into
    // the secondary position and over the alert threshold; credits 9.99
    codex.refreshes.set('rt-expiring-1', { access_token: 'at-expiring-2', refresh_token: 'rt-expiring-2', id_token: 'id-token-x' });
    codex.seats.set('at-expiring-2', {
      status: 200,
      body: whamUsage({
        plan: 'team',
        primary: { used_percent: 40, limit_window_seconds: 604800, reset_after_seconds: 100000, reset_at: 1778260876 },
        secondary: { used_percent: 93, limit_window_seconds: 18000, reset_after_seconds: 600, reset_at: 1777923843 },
        balance: '9.99',
      }),
    });
    codex.seats.set('at-fine', { status: 200, body: whamUsage() });
    codex.seats.set('at-gone', { status: 402, body: { detail: { code: 'deactivated_workspace' } } });
    codex.seats.set('at-bare', { status: 200, body: { plan_type: 'free', rate_limit: null, credits: null, brand_new_field: { x: 1 } } });
    // 'revoked': owned, expired, and its refresh token was revoked (unknown to the fake: invalid_grant)
    // 'borrowed': expired, but another program owns the seat's tokens (no options.refresh)
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
    await codex?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  const quotaOf = async (): Promise<{ status: string; accounts: AccountView[] }> => {
    const latest = await admin.call('GET', '/api/providers/quota', token);
    expect(latest.status).toBe(200);
    return latest.body.items.find((item: { providerId: string }) => item.providerId === providerId);
  };
  const byName = (accounts: AccountView[]) => Object.fromEntries(accounts.map((account) => [account.accountName, account]));

  it('creates a chatgpt-codex provider without apiKey and seats with write-only tokens', async () => {
    const created = await admin.call('POST', '/api/providers', token, {
      name: 'codex-seats',
      kind: 'chatgpt-codex',
      baseUrl: codex.baseUrl,
      options: { windowAlertPercent: 90 },
    });
    expect(created.status).toBe(201);
    providerId = created.body.id;
    const seats: Array<[string, Record<string, unknown>]> = [
      ['borrowed', { accessToken: 'at-borrowed', refreshToken: 'rt-borrowed', chatgptAccountId: 'acc-borrowed' }],
      ['bare', { accessToken: 'at-bare', chatgptAccountId: 'acc-bare' }],
      [
        'expiring',
        {
          accessToken: 'at-expiring-1',
          refreshToken: 'rt-expiring-1',
          chatgptAccountId: 'acc-expiring',
          refresh: true,
          authBaseUrl: codex.authBaseUrl,
          clientId: 'app_custom_client',
        },
      ],
      ['fine', { accessToken: 'at-fine', chatgptAccountId: 'acc-fine' }],
      ['gone', { accessToken: 'at-gone', chatgptAccountId: 'acc-gone' }],
      ['revoked', { accessToken: 'at-revoked', refreshToken: 'rt-revoked', chatgptAccountId: 'acc-revoked', refresh: true, authBaseUrl: codex.authBaseUrl }],
    ];
    for (const [name, options] of seats) {
      const account = await admin.call('POST', `/api/providers/${providerId}/accounts`, token, { name, options });
      expect([name, account.status]).toEqual([name, 201]);
      ids[name] = account.body.id;
    }
    // a metadata address is refused for the token endpoint too
    const metadata = await admin.call('POST', `/api/providers/${providerId}/accounts`, token, {
      name: 'evil',
      options: { accessToken: 'x', authBaseUrl: 'http://169.254.169.254' },
    });
    expect(metadata.status).toBe(400);
    expect(metadata.body.message).toMatch(/^options\.authBaseUrl: /);
    // a codex provider serves no models (Tollgate polls the seats; it does not proxy through them)
    const model = await admin.call('POST', '/api/models', token, { name: 'gpt-codex', providerId, inputPrice: '1', outputPrice: '1', currency: 'USD' });
    expect(model.status).toBe(400);
    expect(model.body.message).toMatch(/^providerId: /);
  });

  it('polls every seat: refreshes an expired owned token once and stores the rotated tokens; windows by length, credits, clear statuses', async () => {
    const polled = await admin.call('POST', `/api/providers/${providerId}/poll`, token);
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ status: 'ok', kind: 'chatgpt-codex' });
    const accounts = byName(polled.body.accounts);
    expect(Object.keys(accounts).sort()).toEqual(['bare', 'borrowed', 'expiring', 'fine', 'gone', 'revoked']);

    // refreshed once, with the configured client id, the rotated tokens stored sealed
    const refreshCalls = codex.tokenCalls.filter((call) => call.refresh_token === 'rt-expiring-1');
    expect(refreshCalls).toEqual([expect.objectContaining({ grant_type: 'refresh_token', client_id: 'app_custom_client' })]);
    const [row]: Array<{ encrypted_credentials: string }> = await seed.dataSource.query(`SELECT encrypted_credentials FROM provider_accounts WHERE id = $1`, [
      ids.expiring,
    ]);
    expect(box.openJson(row.encrypted_credentials)).toMatchObject({
      accessToken: 'at-expiring-2',
      refreshToken: 'rt-expiring-2',
      chatgptAccountId: 'acc-expiring',
    });
    expect(codex.usageCalls.filter((call) => call.accountId === 'acc-expiring').map((call) => call.token)).toEqual(['at-expiring-1', 'at-expiring-2']);

    // windows classified by length (the 5 h window came second), plan and credits
    expect(accounts.expiring).toMatchObject({ status: 'ok', plan: 'team', credits: { balance: '9.99' } });
    expect(accounts.expiring.windows['5h']).toMatchObject({
      usedPercent: 93,
      remainingPercent: 7,
      limitWindowSeconds: 18000,
      resetAt: new Date(1777923843000).toISOString(),
    });
    expect(accounts.expiring.windows['7d']).toMatchObject({ usedPercent: 40 });
    expect(accounts.fine).toMatchObject({ status: 'ok', plan: 'plus', credits: { balance: '0' } });
    expect(accounts.fine.windows['7d']).toMatchObject({ usedPercent: 76, remainingPercent: 24 });

    // each failure has its own clear status and stopped nobody
    expect(accounts.revoked.status).toBe('auth');
    expect(accounts.revoked.message).toMatch(/refresh refused \(invalid_grant\)/);
    expect(accounts.borrowed.status).toBe('auth');
    expect(accounts.borrowed.message).toMatch(/options\.refresh is not true/);
    expect(codex.tokenCalls.some((call) => call.refresh_token === 'rt-borrowed')).toBe(false);
    expect(accounts.gone.status).toBe('deactivated');
    expect(accounts.bare).toMatchObject({ status: 'ok', plan: 'free', windows: {}, credits: null });
    expect(accounts.bare.message).toMatch(/no usage window/);

    // the accounts API shows the statuses; alerts went out
    const list = (await admin.call('GET', `/api/providers/${providerId}/accounts`, token)).body.items as Array<{ name: string; status: string }>;
    expect(Object.fromEntries(list.map((account) => [account.name, account.status]))).toMatchObject({
      revoked: 'auth',
      borrowed: 'auth',
      gone: 'deactivated',
      fine: 'ok',
      expiring: 'ok',
      bare: 'ok',
    });
    await waitFor(() => alerts.length >= 4);
    const alerted = (type: string) =>
      alerts
        .filter((alert) => alert.type === type)
        .map((alert) => alert.details?.accountId)
        .sort();
    expect(alerted('account_auth')).toEqual([ids.borrowed, ids.revoked].sort());
    expect(alerted('account_deactivated')).toEqual([ids.gone]);
    expect(alerted('window_threshold')).toEqual([ids.expiring]);
  });

  it('never shows a token over the API', async () => {
    const everything = JSON.stringify([
      (await admin.call('GET', '/api/providers/quota', token)).body,
      (await admin.call('GET', `/api/providers/${providerId}/accounts`, token)).body,
      (await admin.call('GET', `/api/providers/${providerId}`, token)).body,
      (await admin.call('GET', `/api/providers/${providerId}/accounts/${ids.expiring}`, token)).body,
    ]);
    for (const secret of ['at-expiring-1', 'at-expiring-2', 'rt-expiring-1', 'rt-expiring-2', 'id-token-x', 'at-fine', 'rt-revoked', 'acc-expiring'])
      expect([secret, everything.includes(secret)]).toEqual([secret, false]);
  });

  it('polls again with the stored token (no second refresh), skips refused seats, alerts once', async () => {
    codex.usageCalls.length = 0;
    const tokenCallsBefore = codex.tokenCalls.length;
    const alertsBefore = alerts.length;
    await admin.call('POST', `/api/providers/${providerId}/poll`, token);
    expect(codex.tokenCalls.length).toBe(tokenCallsBefore);
    expect(codex.usageCalls.map((call) => call.token).sort()).toEqual(['at-bare', 'at-expiring-2', 'at-fine']);
    const quota = await quotaOf();
    expect(byName(quota.accounts).revoked.status).toBe('auth');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alerts.slice(alertsBefore)).toEqual([]);

    // new tokens put the seat back in rotation; a changed token URL needs the refresh token again
    const movedOnly = await admin.call('PATCH', `/api/providers/${providerId}/accounts/${ids.revoked}`, token, {
      options: { authBaseUrl: 'http://127.0.0.1:9' },
    });
    expect(movedOnly.status).toBe(400);
    expect(movedOnly.body.message).toMatch(/^options\.(accessToken|refreshToken|chatgptAccountId): changing options\.authBaseUrl requires/);
    codex.seats.set('at-revoked-new', {
      status: 200,
      body: whamUsage({ plan: 'pro', primary: { used_percent: 5, limit_window_seconds: 604800 }, secondary: null }),
    });
    const renewed = await admin.call('PATCH', `/api/providers/${providerId}/accounts/${ids.revoked}`, token, {
      options: { accessToken: 'at-revoked-new', refreshToken: 'rt-revoked-new' },
    });
    expect(renewed.body.status).toBe('ok');
    await admin.call('POST', `/api/providers/${providerId}/poll`, token);
    const again = byName((await quotaOf()).accounts);
    expect(again.revoked).toMatchObject({ status: 'ok', plan: 'pro' });
    expect(Object.keys(again.revoked.windows)).toEqual(['7d']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
