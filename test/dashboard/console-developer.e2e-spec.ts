import { screenshot, signIn } from './console-browser';
import { PASSWORD as password, radioNames, useConsoleFixture } from './console-fixture';

/**
 * The console in a real Chromium, for a developer and for anyone signed in: the first-run page,
 * a key minted in the browser that works at the gateway, their usage chart by model, their own
 * password. Checked through the API and the gateway; axe-core on each page.
 */
describe('console in a browser: developer and everyone', () => {
  const fixture = useConsoleFixture({ admin: false });

  it('says on the sign-in page how to create the first admin while there is none', async () => {
    const f = fixture();
    const page = await f.open();
    await page.goto(`${f.admin.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('note').innerText()).toContain('npm run cli -- create-admin');
    const res = await fetch(`${f.admin.url}/`);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-(eval|inline)/);
    await f.expectAccessible(page);
    await f.seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password });
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('note').count()).toBe(0);
    await f.done(page);
  });

  it('developer: mints a key that works at the gateway (shown once, with how to use it), then revokes it', async () => {
    const f = fixture();
    const lead = await f.admin.login('lead@x.test', password);
    expect((await f.admin.call('PUT', '/api/quotas', lead, { scope: 'user', subjectId: f.ids.dev, period: 'month', maxTokens: 100000 })).status).toBe(200);
    const page = await f.open();
    await signIn(page, f.admin.url, 'dev@x.test', password);
    // own usage, the quota left and when it resets
    const quotaRow = page.getByRole('row', { name: /Per month/ });
    await quotaRow.waitFor();
    expect(await quotaRow.innerText()).toMatch(/\/ 100,000 \([\d,]+ left\)[\s\S]*in \d+ (days?|hours?|minutes?) \(/);
    await f.expectAccessible(page);
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
    await f.expectAccessible(page);
    await screenshot(page, 'developer-new-key-en');
    expect((await f.chat(key)).status).toBe(200);

    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /laptop/ });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('alertdialog', { name: /Revoke the key/ })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await row.getByRole('cell', { name: 'Revoked' }).waitFor();
    expect(await f.eventually(key, 401)).toBe(401);
    await f.done(page);
  });

  it('developer: splits their own usage chart by model (in the address), and only their own', async () => {
    const f = fixture();
    const page = await f.open();
    await signIn(page, f.admin.url, 'dev@x.test', password);
    await page.goto(`${f.admin.url}/#/usage?range=24h`);
    const chart = page.getByRole('radiogroup', { name: 'Chart' });
    // a developer splits by model only
    expect(await radioNames(chart)).toEqual(['Total', 'By model']);
    await chart.getByText('By model', { exact: true }).click();
    await page.waitForURL(/chart=model/);
    const token = await f.admin.login('dev@x.test', password);
    const api = await f.admin.call('GET', '/api/me/usage/timeseries?range=24h&groupBy=model', token);
    expect(api.body.series.map((s: { label: string }) => s.label)).toEqual(['fake-model']);
    const legend = page.getByRole('list', { name: 'Chart series' });
    await legend.getByText(/^fake-model: /).waitFor();
    expect(await f.chartSeries(page)).toEqual([
      `fake-model: ${api.body.series[0].totalTokens.toLocaleString('en-US')} tokens`,
      expect.stringMatching(/^Requests: \d+$/),
    ]);
    expect(api.body.series[0].totalTokens).toBeLessThan(99_999); // the stranger's tokens are not in it
    await f.expectAccessible(page);
    await page.goBack();
    await page.waitForURL((url) => !url.hash.includes('chart='));
    expect(await chart.getByRole('radio', { name: 'Total' }).isChecked()).toBe(true);
    await f.done(page);
  });

  it('anyone: changes their own password (a wrong current one is named beside its field) and signs out', async () => {
    const f = fixture();
    const page = await f.open();
    await signIn(page, f.admin.url, 'pw@x.test', password);
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
    await f.expectAccessible(page);
    expect((await f.admin.call('POST', '/api/auth/login', undefined, { email: 'pw@x.test', password })).status).toBe(401);
    expect((await f.admin.call('POST', '/api/auth/login', undefined, { email: 'pw@x.test', password: newPassword })).status).toBe(200);
    // the page carries on with the fresh token, then signing out drops it
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: /Usage/ }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("tollgate.token")')).toBeNull();
    await f.done(page);
  });
});
