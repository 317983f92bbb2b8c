import { screenshot, signIn } from './console-browser';
import { PASSWORD as password, radioNames, useConsoleFixture, ZH_LABELS } from './console-fixture';

/**
 * The console in a real Chromium for a team lead: their people, quotas and allowed models (checked
 * at the gateway), their department's usage chart by user, never another department; Chinese for
 * a zh-CN browser, the view kept in the address.
 */
describe('console in a browser: team lead', () => {
  const fixture = useConsoleFixture();

  it('team lead: adds a developer and sets a quota the gateway enforces; sees only their department', async () => {
    const f = fixture();
    const page = await f.open();
    await signIn(page, f.admin.url, 'lead@x.test', password);
    await page.getByRole('row', { name: /dev@x\.test/ }).waitFor();
    const usageText = await page.getByRole('main').innerText();
    expect(usageText).toContain('研发部');
    expect(usageText).not.toContain('Other Department');
    expect(usageText).not.toContain('stranger@x.test');

    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('row', { name: /dev@x\.test/ }).waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain('stranger@x.test');
    // a hand-made address does not reach another department either
    await page.goto(`${f.admin.url}/#/people/${f.ids.stranger}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain('stranger@x.test');
    await page.goto(`${f.admin.url}/#/people?department=${f.ids.other}`);
    await page.getByRole('row', { name: /dev@x\.test/ }).waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain('stranger@x.test');
    await page.getByRole('button', { name: 'Add person' }).click();
    const add = page.getByRole('dialog', { name: 'Add a person' });
    await add.getByLabel('Name').fill('New Dev');
    await add.getByLabel('Email').fill('new.dev@x.test');
    await add.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('row', { name: /new\.dev@x\.test/ }).waitFor();
    await f.expectAccessible(page);
    const token = await f.admin.login('lead@x.test', password);
    const users = await f.admin.call('GET', '/api/users?limit=100', token);
    const created = users.body.items.find((u: { email: string }) => u.email === 'new.dev@x.test');
    expect(created).toMatchObject({ role: 'developer', departmentId: f.ids.mine, active: true, allowedModels: null });

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
    await page.getByRole('row', { name: /Per day/ }).waitFor({ timeout: 5000 });
    await f.expectAccessible(page);
    await screenshot(page, 'team-lead-person-en');

    const minted = await f.admin.call('POST', `/api/users/${created.id}/api-keys`, token, { name: 'ci' });
    expect(minted.status).toBe(201);
    expect((await f.chat(minted.body.key)).status).toBe(200);
    expect(await f.eventually(minted.body.key, 429)).toBe(429);
    const status = await f.admin.call('GET', `/api/quotas/status?scope=user&subjectId=${created.id}`, token);
    expect(status.body.items[0]).toMatchObject({ period: 'day', limit: { requests: '1' } });
    await f.done(page);
  });

  it("team lead: narrows a developer's models; the gateway refuses the others and serves the allowed one", async () => {
    const f = fixture();
    const { key } = await f.seed.apiKey(f.ids.dev);
    expect((await f.chat(key, 'fake-mini')).status).toBe(200);
    const page = await f.open();
    await signIn(page, f.admin.url, 'lead@x.test', password);
    await page.getByRole('link', { name: 'People' }).click();
    await page
      .getByRole('row', { name: /\sdev@x\.test/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    const edit = page.getByRole('dialog', { name: 'Edit dev' });
    const same = edit.getByRole('checkbox', { name: 'Every model the department allows' });
    expect(await same.isChecked()).toBe(true);
    await edit.getByText('Every model the department allows').click();
    // the department allows every model: the catalog is offered; chosen by keyboard
    const models = edit.getByRole('group', { name: 'Allowed models' });
    expect(await radioNames(models, 'checkbox')).toEqual(['fake-mini', 'fake-model']);
    await models.getByRole('checkbox', { name: 'fake-model' }).focus();
    await page.keyboard.press('Space');
    await f.expectAccessible(page);
    await edit.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('row', { name: /\sdev@x\.test/ })
      .getByRole('cell', { name: 'fake-model', exact: true })
      .waitFor();
    const token = await f.admin.login('lead@x.test', password);
    expect((await f.admin.call('GET', `/api/users/${f.ids.dev}`, token)).body.allowedModels).toEqual(['fake-model']);
    expect(await f.eventually(key, 403, 'fake-mini')).toBe(403);
    expect((await f.chat(key, 'fake-model')).status).toBe(200);

    // back to the department's list: both models again
    await page
      .getByRole('row', { name: /\sdev@x\.test/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    await page.getByRole('dialog', { name: 'Edit dev' }).getByText('Every model the department allows').click();
    await page.getByRole('dialog', { name: 'Edit dev' }).getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('row', { name: /\sdev@x\.test/ })
      .getByRole('cell', { name: 'As the department' })
      .waitFor();
    expect(await f.eventually(key, 200, 'fake-mini')).toBe(200);
    await f.done(page);
  });

  it("team lead: the usage chart by user shows their department's people only, in the address", async () => {
    const f = fixture();
    const page = await f.open();
    await signIn(page, f.admin.url, 'lead@x.test', password);
    await page.goto(`${f.admin.url}/#/usage?range=24h`);
    const chart = page.getByRole('radiogroup', { name: 'Chart' });
    expect(await radioNames(chart)).toEqual(['Total', 'By user', 'By model']);
    await chart.getByText('By user', { exact: true }).click();
    await page.waitForURL(/chart=user/);
    const token = await f.admin.login('lead@x.test', password);
    const api = await f.admin.call('GET', '/api/usage/timeseries?range=24h&groupBy=user', token);
    const people = api.body.series.map((s: { label: string; detail: string }) => `${s.label} <${s.detail}>`);
    expect(people[0]).toBe('dev <dev@x.test>');
    const legend = page.getByRole('list', { name: 'Chart series' });
    await legend.getByText(/^dev <dev@x\.test>: /).waitFor();
    const series = await f.chartSeries(page);
    expect(series.slice(0, -1).map((line) => line.replace(/: [\d,]+ tokens$/, ''))).toEqual(people);
    expect(series.join('\n')).not.toContain('stranger');
    await f.expectAccessible(page);
    // the address carries the view: a shared link opens the same chart, the back button returns
    await page.goto(`${f.admin.url}/#/usage?range=24h&chart=model`);
    await legend.getByText(/^fake-model: /).waitFor();
    await page.goBack();
    await page.waitForURL(/chart=user/);
    expect(await chart.getByRole('radio', { name: 'By user' }).isChecked()).toBe(true);
    await f.done(page);
  });

  it('a zh-CN browser sees Chinese, can switch to English, and the address keeps the view (back works)', async () => {
    const f = fixture();
    const page = await f.open('zh-CN');
    await page.goto(`${f.admin.url}/`);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await signIn(page, f.admin.url, 'lead@x.test', password, ZH_LABELS);
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
    await page.getByRole('radiogroup', { name: '图表' }).getByText('按用户', { exact: true }).click();
    await page.waitForURL(/chart=user/);
    await page
      .getByRole('list', { name: '图表序列' })
      .getByText(/^dev <dev@x\.test>：\d+ 个 Token$/)
      .waitFor();
    await f.expectAccessible(page);
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
    await f.done(page);
  });
});
