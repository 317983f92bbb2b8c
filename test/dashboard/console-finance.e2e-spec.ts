import { readFileSync } from 'node:fs';
import { FakeChatGptCodex, whamUsage } from '../fakes/chatgpt-codex';
import { screenshot, signIn } from './console-browser';
import { PASSWORD as password, useConsoleFixture } from './console-fixture';

/**
 * The console in a real Chromium for finance: the month's CSV (the same bytes as the API's),
 * balances and the reconciliation, and the 5 h / 7 d windows of ChatGPT (Codex) seats polled
 * from a fake wham/usage.
 */
describe('console in a browser: finance', () => {
  const fixture = useConsoleFixture();
  let codex: FakeChatGptCodex;

  beforeAll(async () => {
    codex = await FakeChatGptCodex.start();
  });

  afterAll(async () => {
    await codex?.close();
  });

  it("finance: downloads the month as CSV (BOM, the chosen department's rows), sees balances and reconciliation", async () => {
    const f = fixture();
    const page = await f.open();
    await signIn(page, f.admin.url, 'finance@x.test', password);
    await page.getByRole('link', { name: 'Reports' }).click();
    const month = new Date().toISOString().slice(0, 7);
    await page.getByLabel('Month', { exact: true }).fill(month);
    await page.getByRole('combobox', { name: 'Department' }).selectOption({ label: '研发部' });
    await f.expectAccessible(page);
    await screenshot(page, 'finance-reports-en');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync(await download.path());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    const [header, ...rows] = text.trim().split(/\r?\n/);
    expect(header).toMatch(/^department,user,model,requests,failed_requests,prompt_tokens,completion_tokens,.*,total_tokens,cost,currency$/);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((row) => row.startsWith('研发部,'))).toBe(true);
    expect(rows.find((row) => row.startsWith('研发部,dev@x.test,fake-model,'))).toMatch(/^研发部,dev@x\.test,fake-model,6,1,/);
    expect(text).not.toContain('Other Department');
    expect(text).not.toContain('stranger@x.test');
    // the same bytes the API gives for the same question
    const token = await f.admin.login('finance@x.test', password);
    const last = new Date(Number(month.slice(0, 4)), Number(month.slice(5)), 0).getDate();
    const api = await fetch(
      `${f.admin.url}/api/reports/usage.csv?from=${month}-01&to=${month}-${last}&groupBy=department,user,model&departmentId=${f.ids.mine}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
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
    const reconciled = await f.admin.call(
      'GET',
      `/api/providers/${f.ids.providerId}/reconciliation?from=${month}-01&to=${new Date().toISOString().slice(0, 10)}`,
      token,
    );
    expect(reconciled.body.gateway.requests).toBeGreaterThanOrEqual(6);
    expect((await metered.innerText()).split('\t')[1]).toBe(String(reconciled.body.gateway.requests));
    expect(await page.getByRole('button', { name: 'Add provider' }).count()).toBe(0);
    await f.expectAccessible(page);
    await f.done(page);
  });

  it("finance: sees each ChatGPT seat's 5-hour and 7-day windows, and polls again from the page", async () => {
    const f = fixture();
    const adminToken = await f.admin.login('admin@x.test', password);
    const provider = await f.admin.call('POST', '/api/providers', adminToken, { name: 'codex-seats', kind: 'chatgpt-codex', baseUrl: codex.baseUrl });
    expect(provider.status).toBe(201);
    for (const [name, accessToken] of [
      ['seat-a', 'at-a'],
      ['seat-b', 'at-b'],
    ]) {
      expect(
        (
          await f.admin.call('POST', `/api/providers/${provider.body.id}/accounts`, adminToken, {
            name,
            options: { accessToken, chatgptAccountId: `acc-${name}` },
          })
        ).status,
      ).toBe(201);
    }
    // wham/usage windows as the real one has them: percent used, length, when they reset
    const window = (usedPercent: number, seconds: number, resetAfter: number) => ({
      used_percent: usedPercent,
      limit_window_seconds: seconds,
      reset_after_seconds: resetAfter,
      reset_at: Math.floor(Date.now() / 1000) + resetAfter,
    });
    codex.seats.set('at-a', { status: 200, body: whamUsage({ plan: 'team', primary: window(12, 18000, 3600), secondary: window(76, 604800, 3 * 86400) }) });
    codex.seats.set('at-b', { status: 200, body: whamUsage({ plan: 'plus', primary: window(0, 18000, 18000), secondary: window(76, 604800, 3 * 86400) }) });
    const token = await f.admin.login('finance@x.test', password);
    expect((await f.admin.call('POST', `/api/providers/${provider.body.id}/poll`, token)).status).toBe(200);

    const page = await f.open();
    await signIn(page, f.admin.url, 'finance@x.test', password);
    await page.getByRole('link', { name: 'Providers' }).click();
    const seats = page.getByRole('table', { name: 'Accounts of codex-seats' });
    const seatA = seats.getByRole('row', { name: /seat-a/ });
    await seatA.waitFor();
    const cells = async (row: typeof seatA) => (await row.getByRole('cell').allInnerTexts()).map((cell) => cell.trim());
    const header = await seats.getByRole('columnheader').allInnerTexts();
    expect(header).toEqual(['Account', 'Status', '5-hour window', '7-day window', 'Plan']);
    expect(await cells(seatA)).toEqual(['OK', expect.stringMatching(/^12% · resets in (an hour|60 minutes|1 hour)$/), '76% · resets in 3 days', 'team']);
    expect(await cells(seats.getByRole('row', { name: /seat-b/ }))).toEqual(['OK', '0% · resets in 5 hours', '76% · resets in 3 days', 'plus']);
    await f.expectAccessible(page);

    // the seat is nearly spent: polling from the page shows it, highlighted
    codex.seats.set('at-b', { status: 200, body: whamUsage({ plan: 'plus', primary: window(0, 18000, 18000), secondary: window(93, 604800, 7200) }) });
    await page.getByRole('button', { name: 'Poll codex-seats now' }).click();
    const seatB = seats.getByRole('row', { name: /seat-b/ });
    await seatB.getByRole('cell', { name: /^93%/ }).waitFor();
    expect(await seatB.locator('.badge.bad').innerText()).toMatch(/^93%/);
    const api = await f.admin.call('GET', '/api/providers/quota', token);
    const snapshot = api.body.items.find((item: { providerId: string }) => item.providerId === provider.body.id);
    expect(snapshot.accounts.find((a: { accountName: string }) => a.accountName === 'seat-b').windows['7d']).toMatchObject({ usedPercent: 93 });
    await f.expectAccessible(page);
    await screenshot(page, 'finance-seats-en');
    await f.done(page);
  });
});
