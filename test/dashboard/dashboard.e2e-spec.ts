import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser } from 'playwright-core';
import { usageRecord, writeUsage } from '../support/usage-records';
import { RunningAdmin, startAdmin } from '../support/admin-harness';
import { Seed } from '../support/seed';
import { createTestDatabase } from '../support/test-database';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', '..', 'test-results', 'dashboard.png');

/** A team lead opens the dashboard in a real (headless) Chromium and sees the API's numbers for their department only. */
describe('dashboard in a browser', () => {
  let admin: RunningAdmin;
  let seed: Seed;
  let browser: Browser;
  const password = 'a-long-password';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium (the CI script does)`);
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    const mine = await seed.department('研发部');
    const other = await seed.department('Other Department');
    await seed.user({ departmentId: mine, role: 'team_lead', email: 'lead@x.test', password });
    const dev = await seed.user({ departmentId: mine, email: 'dev@x.test' });
    const stranger = await seed.user({ departmentId: other, email: 'stranger@x.test' });
    const provider = await seed.provider('openai', 'http://127.0.0.1:9/v1', 'sk');
    const now = Date.now();
    const records = Array.from({ length: 12 }, (_, i) => event(dev, mine, provider, new Date(now - i * 60_000), 100 + i, i === 3 ? 502 : 200));
    records.push(event(stranger, other, provider, new Date(now - 5000), 99_999, 200));
    await writeUsage(seed.dataSource, records);
    admin = await startAdmin(url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await seed?.close();
  });

  const event = (userId: string, departmentId: string, providerId: string, at: Date, tokens: number, status: number) =>
    usageRecord({ userId, departmentId, providerId, createdAt: at.toISOString(), promptTokens: tokens, completionTokens: 0, totalTokens: tokens, cost: '0.001', status, errorCode: status >= 400 ? 'upstream_unavailable' : null, latencyMs: 20 });


  it('shows the team lead the same totals as the API, for their department only', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
    await page.goto(`${admin.url}/`);
    await page.getByLabel('Email').fill('lead@x.test');
    await page.getByLabel('Password').fill(password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-loaded="today"]', { timeout: 10_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${problems.join('\n')}`);
    });
    expect(problems).toEqual([]);

    const token = await page.evaluate<string | null>('sessionStorage.getItem("tollgate.token")');
    const api = await admin.call('GET', '/api/usage/summary?range=today', token!);
    const requests = api.body.rows.reduce((s: number, r: { requests: number }) => s + r.requests, 0);
    const tokens = api.body.rows.reduce((s: number, r: { totalTokens: number }) => s + r.totalTokens, 0);
    expect(requests).toBe(12);
    const shown = async (metric: string) => (await page.locator(`[data-metric="${metric}"] .value`).textContent())?.replace(/[^0-9]/g, '');
    expect(await shown('requests')).toBe(String(requests));
    expect(await shown('tokens')).toBe(String(tokens));
    expect(await shown('failed')).toBe('1');
    const text = await page.locator('#board').innerText();
    expect(text).toContain('研发部');
    expect(text).not.toContain('Other Department');
    expect(text).not.toContain('stranger@x.test');
    expect(await page.locator('[data-needs="providers"]').isHidden()).toBe(true);

    // keyboard: move to the 7-day range with the arrow keys
    await page.locator('#ranges [data-range="today"]').focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await page.waitForSelector('body[data-loaded="7d"]');
    expect(await page.locator('#ranges [aria-checked="true"]').getAttribute('data-range')).toBe('7d');

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });
});
