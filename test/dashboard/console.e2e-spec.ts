import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';
import { usageRecord, writeUsage } from '@app/usage/testing';
import { BrowserContextFactory, launchChromium, screenshot, seriousViolations, signIn, watch } from './console-browser';
import { AdminApp, createAdminApp } from '../support/admin-app';

/**
 * The console in a real Chromium: each role's main task done in the browser and checked through
 * the API and the gateway; Chinese for a zh-CN browser; axe-core on each main page.
 */
describe('console in a browser', () => {
  const password = 'a-long-password-for-tests';
  let seed: Seed;
  let admin: AdminApp;
  let gateway: RunningGateway;
  let fake: FakeProvider;
  let browser: BrowserContextFactory;
  let mine: string;
  let other: string;
  let providerId: string;
  let stranger: string;
  const problems: string[] = [];

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai');
    mine = await seed.department('研发部');
    other = await seed.department('Other Department');
    await seed.user({ departmentId: mine, role: 'team_lead', email: 'lead@x.test', password });
    const dev = await seed.user({ departmentId: mine, email: 'dev@x.test', password });
    await seed.user({ departmentId: null, role: 'finance', email: 'finance@x.test', password });
    stranger = await seed.user({ departmentId: other, email: 'stranger@x.test', password });
    await seed.user({ departmentId: other, email: 'pw@x.test', password });
    providerId = await seed.provider('openai', fake.baseUrl, fake.apiKey, 'fake-openai');
    await seed.model('fake-model', providerId, { input: '1', output: '2', currency: 'CNY' });
    const now = Date.now();
    const event = (userId: string, departmentId: string, minutesAgo: number, tokens: number, status = 200) =>
      usageRecord({
        userId,
        departmentId,
        providerId,
        model: 'fake-model',
        createdAt: new Date(now - minutesAgo * 60_000).toISOString(),
        promptTokens: tokens,
        completionTokens: 0,
        totalTokens: tokens,
        cost: '0.001',
        status,
        latencyMs: 20,
      });
    await writeUsage(seed.dataSource, [
      ...Array.from({ length: 6 }, (_, i) => event(dev, mine, i * 7, 100 + i, i === 3 ? 502 : 200)),
      event(stranger, other, 2, 99_999),
    ]);
    admin = await createAdminApp(url, { GATEWAY_PUBLIC_URL: 'https://llm.example.test' });
    gateway = await startGateway(url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await admin?.close();
    await fake?.close();
    await seed?.close();
  });

  afterEach(() => {
    expect(problems).toEqual([]);
    problems.length = 0;
  });

  async function open(locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext(locale);
    const page = await context.newPage();
    const seen = watch(page);
    page.on('close', () => problems.push(...seen));
    return page;
  }

  const done = (page: Page) => page.context().close();

  const expectAccessible = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);

  const chat = (key: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }),
    });

  /** Polls until the gateway answers `status` (its caches follow changes within moments). */
  async function eventually(key: string, status: number): Promise<number> {
    let last = 0;
    for (let i = 0; i < 60; i++) {
      last = (await chat(key)).status;
      if (last === status) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return last;
  }

  it('says on the sign-in page how to create the first admin while there is none', async () => {
    const page = await open();
    await page.goto(`${admin.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('note').innerText()).toContain('npm run cli -- create-admin');
    const res = await fetch(`${admin.url}/`);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-(eval|inline)/);
    await expectAccessible(page);
    await seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password });
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('note').count()).toBe(0);
    await done(page);
  });

  it('developer: mints a key that works at the gateway (shown once, with how to use it), then revokes it', async () => {
    const lead = await admin.login('lead@x.test', password);
    const devId = (await admin.call('GET', '/api/users?limit=100', lead)).body.items.find((u: { email: string }) => u.email === 'dev@x.test').id;
    expect((await admin.call('PUT', '/api/quotas', lead, { scope: 'user', subjectId: devId, period: 'month', maxTokens: 100000 })).status).toBe(200);
    const page = await open();
    await signIn(page, admin.url, 'dev@x.test', password);
    // own usage, the quota left and when it resets
    const quotaRow = page.getByRole('row', { name: /Per month/ });
    await quotaRow.waitFor();
    expect(await quotaRow.innerText()).toMatch(/\/ 100,000 \([\d,]+ left\)[\s\S]*in \d+ (days?|hours?|minutes?) \(/);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Name').fill('laptop');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const keyField = dialog.getByLabel('Your new API key');
    await keyField.waitFor();
    const key = await keyField.inputValue();
    expect(key).toMatch(/^tg_/);
    const snippets = await dialog.locator('pre').allInnerTexts();
    expect(snippets.join('\n')).toContain('https://llm.example.test/v1');
    expect(snippets.join('\n')).toContain(`ANTHROPIC_BASE_URL=https://llm.example.test ANTHROPIC_AUTH_TOKEN=${key}`);
    await dialog.getByRole('button', { name: 'Copy key' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Copied' }).first().waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await expectAccessible(page);
    await screenshot(page, 'developer-new-key-en');
    expect((await chat(key)).status).toBe(200);

    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /laptop/ });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('alertdialog', { name: /Revoke the key/ })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await row.getByRole('cell', { name: 'Revoked' }).waitFor();
    expect(await eventually(key, 401)).toBe(401);
    await done(page);
  });

  it('team lead: adds a developer and sets a quota the gateway enforces; sees only their department', async () => {
    const page = await open();
    await signIn(page, admin.url, 'lead@x.test', password);
    await page.getByRole('row', { name: /dev@x\.test/ }).waitFor();
    const usageText = await page.getByRole('main').innerText();
    expect(usageText).toContain('研发部');
    expect(usageText).not.toContain('Other Department');
    expect(usageText).not.toContain('stranger@x.test');

    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('row', { name: /dev@x\.test/ }).waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain('stranger@x.test');
    // a hand-made address does not reach another department either
    await page.goto(`${admin.url}/#/people/${stranger}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain('stranger@x.test');
    await page.goto(`${admin.url}/#/people?department=${other}`);
    await page.getByRole('row', { name: /dev@x\.test/ }).waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain('stranger@x.test');
    await page.getByRole('button', { name: 'Add person' }).click();
    const add = page.getByRole('dialog', { name: 'Add a person' });
    await add.getByLabel('Name').fill('New Dev');
    await add.getByLabel('Email').fill('new.dev@x.test');
    await add.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('row', { name: /new\.dev@x\.test/ }).waitFor();
    await expectAccessible(page);
    const token = await admin.login('lead@x.test', password);
    const users = await admin.call('GET', '/api/users?limit=100', token);
    const created = users.body.items.find((u: { email: string }) => u.email === 'new.dev@x.test');
    expect(created).toMatchObject({ role: 'developer', departmentId: mine, active: true });

    await page.getByRole('link', { name: 'New Dev' }).click();
    await page.getByRole('button', { name: 'Set a quota' }).click();
    const quota = page.getByRole('dialog', { name: 'Set a quota' });
    await quota.getByLabel('Period').selectOption('day');
    await quota.getByLabel('Maximum requests').fill('-1');
    await quota.getByRole('button', { name: 'Save' }).click();
    // the API's complaint is shown beside the field it names
    const requestsField = quota.getByLabel('Maximum requests');
    await quota.getByText(/maxRequests/).waitFor();
    expect(await requestsField.getAttribute('aria-invalid')).toBe('true');
    expect(await requestsField.getAttribute('aria-describedby')).toBeTruthy();
    await requestsField.fill('1');
    expect(await requestsField.getAttribute('aria-invalid')).toBeNull(); // the complaint goes as the person types
    await quota.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('row', { name: /Per day/ })
      .waitFor({ timeout: 5000 })
      .catch(async (error: unknown) => {
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}\n${await page.getByRole('main').innerText()}\n${await quota.innerText().catch(() => '')}`,
        );
      });
    await expectAccessible(page);
    await screenshot(page, 'team-lead-person-en');

    const minted = await admin.call('POST', `/api/users/${created.id}/api-keys`, token, { name: 'ci' });
    expect(minted.status).toBe(201);
    expect((await chat(minted.body.key)).status).toBe(200);
    expect(await eventually(minted.body.key, 429)).toBe(429);
    const status = await admin.call('GET', `/api/quotas/status?scope=user&subjectId=${created.id}`, token);
    expect(status.body.items[0]).toMatchObject({ period: 'day', limit: { requests: '1' } });
    await done(page);
  });

  it("finance: downloads the month as CSV (BOM, the chosen department's rows), sees balances and reconciliation", async () => {
    const page = await open();
    await signIn(page, admin.url, 'finance@x.test', password);
    await page.getByRole('link', { name: 'Reports' }).click();
    const month = new Date().toISOString().slice(0, 7);
    await page.getByLabel('Month', { exact: true }).fill(month);
    await page.getByRole('combobox', { name: 'Department' }).selectOption({ label: '研发部' });
    await expectAccessible(page);
    await screenshot(page, 'finance-reports-en');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync(await download.path());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    const [header, ...rows] = text.trim().split(/\r?\n/);
    expect(header).toMatch(/^department,user,model,requests,failed_requests,prompt_tokens,completion_tokens,.*,total_tokens,cost,currency$/);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((row) => row.startsWith('研发部,'))).toBe(true);
    expect(rows.find((row) => row.startsWith('研发部,dev@x.test,fake-model,'))).toMatch(/^研发部,dev@x\.test,fake-model,[67],1,/); // 6 seeded (+1 by the developer test)
    expect(text).not.toContain('Other Department');
    expect(text).not.toContain('stranger@x.test');
    // the same bytes the API gives for the same question
    const token = await admin.login('finance@x.test', password);
    const last = new Date(Number(month.slice(0, 4)), Number(month.slice(5)), 0).getDate();
    const api = await fetch(`${admin.url}/api/reports/usage.csv?from=${month}-01&to=${month}-${last}&groupBy=department,user,model&departmentId=${mine}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(Buffer.from(await api.arrayBuffer()).equals(csv)).toBe(true);

    // a custom range, chosen by keyboard: the same rows for the same days
    await page.getByRole('radio', { name: 'By month' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/mode=custom/);
    await page.getByLabel('From', { exact: true }).fill(`${month}-01`);
    await page.getByLabel('To', { exact: true }).fill(`${month}-${last}`);
    await page.waitForURL(new RegExp(`to=${month}-${last}`));
    const [custom] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(readFileSync(await custom.path()).equals(csv)).toBe(true);

    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('heading', { name: 'Reconciliation' }).waitFor();
    const metered = page.getByRole('row', { name: /Requests/ }).first();
    await metered.waitFor();
    const from = `${month}-01`;
    const reconciled = await admin.call('GET', `/api/providers/${providerId}/reconciliation?from=${from}&to=${new Date().toISOString().slice(0, 10)}`, token);
    expect(reconciled.body.gateway.requests).toBeGreaterThanOrEqual(7);
    expect((await metered.innerText()).split('\t')[1]).toBe(String(reconciled.body.gateway.requests));
    expect(await page.getByRole('button', { name: 'Add provider' }).count()).toBe(0);
    await expectAccessible(page);
    await done(page);
  });

  it('admin: creates a department with a model allow-list (audited); provider credentials are never prefilled', async () => {
    const page = await open();
    await signIn(page, admin.url, 'admin@x.test', password);
    await page.getByRole('link', { name: 'Departments' }).click();
    // dialogs: Escape closes and focus returns to the button that opened it
    const addButton = page.getByRole('button', { name: 'Add department' });
    await addButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Add department' }).getByLabel('Name').waitFor();
    expect(await page.evaluate('document.activeElement.closest("[role=dialog]") !== null')).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    // focus is restored on the next frame after the dialog leaves: await it, then check where it went
    await page.waitForFunction('document.activeElement !== document.body', undefined, { timeout: 5000 }).catch(() => undefined);
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Add department');
    await addButton.click();
    const dialog = page.getByRole('dialog', { name: 'Add department' });
    await dialog.getByLabel('Name').fill('Platform');
    // by keyboard: focus each box and press Space
    await dialog.getByRole('checkbox', { name: 'Allow every model' }).focus();
    await page.keyboard.press('Space');
    await dialog.getByRole('checkbox', { name: 'fake-model' }).focus();
    await page.keyboard.press('Space');
    expect(await dialog.getByRole('checkbox', { name: 'Allow every model' }).isChecked()).toBe(false);
    expect(await dialog.getByRole('checkbox', { name: 'fake-model' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Platform/ }).waitFor();
    await expectAccessible(page);
    const token = await admin.login('admin@x.test', password);
    const departments = await admin.call('GET', '/api/departments?limit=100', token);
    expect(departments.body.items.find((d: { name: string }) => d.name === 'Platform')).toMatchObject({ allowedModels: ['fake-model'] });

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('department.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('row', { name: /department\.create/ }).waitFor();
    expect(page.url()).toContain('action=department.create');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('button', { name: 'Add provider' }).click();
    const add = page.getByRole('dialog', { name: 'Add a provider' });
    await add.getByLabel('Name').fill('in-house');
    await add.getByLabel('Kind').selectOption('openai');
    await add.getByLabel('Base URL').fill('not a url');
    await add.getByLabel('API key').fill('sk-in-house-secret');
    await add.getByRole('button', { name: 'Save' }).click();
    await add.getByText('baseUrl must be an http(s) URL').waitFor();
    expect(await add.getByLabel('Base URL').getAttribute('aria-invalid')).toBe('true');
    await add.getByLabel('Base URL').fill(fake.baseUrl);
    await add.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /in-house/ }).waitFor();
    const providers = await admin.call('GET', '/api/providers?limit=100', token);
    const created = providers.body.items.find((p: { name: string }) => p.name === 'in-house');
    expect(created).toMatchObject({ kind: 'openai', baseUrl: fake.baseUrl, hasApiKey: true });
    expect(JSON.stringify(created)).not.toContain('sk-in-house-secret');
    await page
      .getByRole('row', { name: /fake-openai/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    const edit = page.getByRole('dialog', { name: 'Edit fake-openai' });
    expect(await edit.getByLabel('API key').inputValue()).toBe('');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'Models & prices' }).click();
    await page.getByRole('row', { name: /fake-model/ }).waitFor();
    expect(await page.getByRole('row', { name: /fake-model/ }).innerText()).toContain('¥');
    await expectAccessible(page);
    await done(page);
  });

  it('anyone: changes their own password (a wrong current one is named beside its field) and signs out', async () => {
    const page = await open();
    await signIn(page, admin.url, 'pw@x.test', password);
    await page.getByRole('link', { name: 'My account' }).click();
    const newPassword = 'another-long-passphrase-47';
    await page.getByLabel('Current password').fill('not-my-password-at-all');
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/current password is wrong/).waitFor();
    expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Current password').fill(password);
    expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    await expectAccessible(page);
    expect((await admin.call('POST', '/api/auth/login', undefined, { email: 'pw@x.test', password })).status).toBe(401);
    expect((await admin.call('POST', '/api/auth/login', undefined, { email: 'pw@x.test', password: newPassword })).status).toBe(200);
    // the page carries on with the fresh token, then signing out drops it
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: /Usage/ }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("tollgate.token")')).toBeNull();
    await done(page);
  });

  it('a zh-CN browser sees Chinese, can switch to English, and the address keeps the view (back works)', async () => {
    const page = await open('zh-CN');
    await page.goto(`${admin.url}/`);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await signIn(page, admin.url, 'lead@x.test', password, { email: '邮箱', password: '密码', submit: '登录' });
    await page.getByRole('heading', { name: /用量/ }).waitFor();
    expect(await page.getByRole('navigation').innerText()).toContain('成员');
    await page.getByRole('radiogroup', { name: '时间范围' }).getByText('7 天').click();
    await page.waitForURL(/range=7d/);
    await page.getByRole('radio', { name: '今天' }).focus();
    await page.keyboard.press('ArrowRight'); // keyboard: the range group moves with the arrows
    await page.waitForURL(/range=1h/);
    await page.goBack();
    await page.waitForURL(/range=7d/);
    expect(await page.getByRole('radio', { name: '7 天' }).isChecked()).toBe(true);
    await expectAccessible(page);
    // the API's complaint about a field, in Chinese beside it
    await page.getByRole('link', { name: '成员' }).click();
    await page.getByRole('button', { name: '添加成员' }).click();
    const add = page.getByRole('dialog', { name: '添加成员' });
    await add.getByLabel('姓名').fill('王五');
    await add.getByLabel('邮箱').fill('not-an-email');
    await add.getByRole('button', { name: '添加' }).click();
    await add.getByText('不是有效的邮箱地址').waitFor();
    await add.getByRole('button', { name: '取消' }).click();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { level: 1, name: /People/ }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await done(page);
  });

  it("screenshots of each role's main page in both languages", async () => {
    const views: Array<[string, string, string]> = [
      ['developer', 'dev@x.test', '#/usage?range=7d'],
      ['team-lead', 'lead@x.test', '#/people'],
      ['finance', 'finance@x.test', '#/providers'],
      ['admin', 'admin@x.test', '#/usage?range=today&groupBy=department'],
    ];
    for (const locale of ['en-US', 'zh-CN']) {
      for (const [role, email, hash] of views) {
        const page = await open(locale);
        const zh = locale === 'zh-CN';
        await signIn(page, admin.url, email, password, zh ? { email: '邮箱', password: '密码', submit: '登录' } : undefined);
        await page.goto(`${admin.url}/${hash}`);
        await page.getByRole('table').first().waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${role}-${zh ? 'zh' : 'en'}`);
        await done(page);
      }
    }
  });
});
