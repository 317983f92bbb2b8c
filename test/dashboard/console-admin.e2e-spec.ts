import { screenshot, signIn } from './console-browser';
import { PASSWORD as password, radioNames, useConsoleFixture, ZH_LABELS } from './console-fixture';

/**
 * The console in a real Chromium for an admin: departments with model allow-lists (audited),
 * providers (credentials never prefilled), the usage chart by department; then each role's main
 * page in both languages for the README.
 */
describe('console in a browser: admin', () => {
  const fixture = useConsoleFixture();

  it('admin: creates a department with a model allow-list (audited); provider credentials are never prefilled', async () => {
    const f = fixture();
    const page = await f.open();
    await signIn(page, f.admin.url, 'admin@x.test', password);
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
    await f.expectAccessible(page);
    const token = await f.admin.login('admin@x.test', password);
    const departments = await f.admin.call('GET', '/api/departments?limit=100', token);
    expect(departments.body.items.find((d: { name: string }) => d.name === 'Platform')).toMatchObject({ allowedModels: ['fake-model'] });

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('department.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('row', { name: /department\.create/ }).waitFor();
    expect(page.url()).toContain('action=department.create');
    await f.expectAccessible(page);

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
    await add.getByLabel('Base URL').fill(f.fake.baseUrl);
    await add.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /in-house/ }).waitFor();
    const providers = await f.admin.call('GET', '/api/providers?limit=100', token);
    const created = providers.body.items.find((p: { name: string }) => p.name === 'in-house');
    expect(created).toMatchObject({ kind: 'openai', baseUrl: f.fake.baseUrl, hasApiKey: true });
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
    await f.expectAccessible(page);
    await f.done(page);
  });

  it('admin: the usage chart by department, largest first, for every department', async () => {
    const f = fixture();
    const page = await f.open();
    await signIn(page, f.admin.url, 'admin@x.test', password);
    await page.goto(`${f.admin.url}/#/usage?range=24h`);
    const chart = page.getByRole('radiogroup', { name: 'Chart' });
    expect(await radioNames(chart)).toEqual(['Total', 'By department', 'By user', 'By model', 'By provider']);
    await chart.getByRole('radio', { name: 'Total' }).focus();
    await page.keyboard.press('ArrowRight'); // by keyboard, as the range group
    await page.waitForURL(/chart=department/);
    const legend = page.getByRole('list', { name: 'Chart series' });
    await legend.getByText(/^研发部: /).waitFor();
    const token = await f.admin.login('admin@x.test', password);
    const api = await f.admin.call('GET', '/api/usage/timeseries?range=24h&groupBy=department', token);
    const expected = api.body.series.map((s: { label: string; totalTokens: number }) => `${s.label}: ${s.totalTokens.toLocaleString('en-US')} tokens`);
    expect(expected[0]).toBe('Other Department: 99,999 tokens');
    expect((await f.chartSeries(page)).slice(0, -1)).toEqual(expected);
    expect(await page.getByRole('img', { name: /Usage per hour: [\d,]+ tokens/ }).count()).toBe(1);
    await f.expectAccessible(page);
    await screenshot(page, 'admin-usage-by-department-en');
    await f.done(page);
  });

  it("screenshots of each role's main page in both languages", async () => {
    const f = fixture();
    const views: Array<[string, string, string]> = [
      ['developer', 'dev@x.test', '#/usage?range=7d&chart=model'],
      ['team-lead', 'lead@x.test', '#/people'],
      ['finance', 'finance@x.test', '#/providers'],
      ['admin', 'admin@x.test', '#/usage?range=24h&groupBy=department&chart=department'],
    ];
    for (const locale of ['en-US', 'zh-CN']) {
      for (const [role, email, hash] of views) {
        const page = await f.open(locale);
        const zh = locale === 'zh-CN';
        await signIn(page, f.admin.url, email, password, zh ? ZH_LABELS : undefined);
        await page.goto(`${f.admin.url}/${hash}`);
        await page.getByRole('table').first().waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${role}-${zh ? 'zh' : 'en'}`);
        await f.done(page);
      }
    }
  });
});
