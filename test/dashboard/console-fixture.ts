import type { Locator, Page } from 'playwright-core';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { AdminApp, createAdminApp } from '../support/admin-app';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';
import { usageRecord, writeUsage } from '@app/usage/testing';
import { BrowserContextFactory, launchChromium, seriousViolations, watch } from './console-browser';

export const PASSWORD = 'a-long-password-for-tests';
export const ZH_LABELS = { email: '邮箱', password: '密码', submit: '登录' };

/**
 * What every console browser spec starts from: two departments (研发部 with a team lead and a
 * developer, "Other Department" with a stranger), finance, an OpenAI-compatible fake with two
 * priced models, a few recent usage events, the admin API and the gateway in process, and one
 * headless Chromium. An admin (admin@x.test) unless `admin: false` (the first-run page needs none).
 */
export class ConsoleFixture {
  /** Whatever the pages complained about (script errors, CSP refusals, failed requests), per test. */
  readonly problems: string[] = [];

  private constructor(
    readonly seed: Seed,
    readonly admin: AdminApp,
    readonly gateway: RunningGateway,
    readonly fake: FakeProvider,
    readonly browser: BrowserContextFactory,
    readonly ids: { mine: string; other: string; providerId: string; dev: string; stranger: string },
  ) {}

  static async start(options: { admin?: boolean } = {}): Promise<ConsoleFixture> {
    const url = await createTestDatabase();
    const seed = await Seed.connect(url);
    const fake = await FakeProvider.start('openai');
    const mine = await seed.department('研发部');
    const other = await seed.department('Other Department');
    await seed.user({ departmentId: mine, role: 'team_lead', email: 'lead@x.test', password: PASSWORD });
    const dev = await seed.user({ departmentId: mine, email: 'dev@x.test', password: PASSWORD });
    await seed.user({ departmentId: null, role: 'finance', email: 'finance@x.test', password: PASSWORD });
    const stranger = await seed.user({ departmentId: other, email: 'stranger@x.test', password: PASSWORD });
    await seed.user({ departmentId: other, email: 'pw@x.test', password: PASSWORD });
    if (options.admin !== false) await seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password: PASSWORD });
    const providerId = await seed.provider('openai', fake.baseUrl, fake.apiKey, 'fake-openai');
    await seed.model('fake-model', providerId, { input: '1', output: '2', currency: 'CNY' });
    await seed.model('fake-mini', providerId, { input: '0.5', output: '1', currency: 'CNY' });
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
    const admin = await createAdminApp(url, { GATEWAY_PUBLIC_URL: 'https://llm.example.test' });
    const gateway = await startGateway(url);
    const browser = await launchChromium();
    return new ConsoleFixture(seed, admin, gateway, fake, browser, { mine, other, providerId, dev, stranger });
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.gateway.close();
    await this.admin.close();
    await this.fake.close();
    await this.seed.close();
  }

  /** A fresh browser context and page; its complaints land in `problems` when it closes. */
  async open(locale = 'en-US'): Promise<Page> {
    const context = await this.browser.newContext(locale);
    const page = await context.newPage();
    const seen = watch(page);
    page.on('close', () => this.problems.push(...seen));
    return page;
  }

  done(page: Page): Promise<void> {
    return page.context().close();
  }

  /** axe-core finds no serious or critical violation on the page as it is. */
  async expectAccessible(page: Page): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  chat(key: string, model = 'fake-model'): Promise<Response> {
    return fetch(`${this.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }),
    });
  }

  /** Polls until the gateway answers `status` (its caches follow changes within moments). */
  async eventually(key: string, status: number, model = 'fake-model'): Promise<number> {
    let last = 0;
    for (let i = 0; i < 60; i++) {
      last = (await this.chat(key, model)).status;
      if (last === status) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return last;
  }

  /** The legend of the usage chart: one line per series ("name: N tokens"), then the requests. */
  async chartSeries(page: Page): Promise<string[]> {
    const legend = page.getByRole('list', { name: /Chart series|图表序列/ });
    await legend.getByRole('listitem').first().waitFor();
    return legend.getByRole('listitem').allInnerTexts();
  }
}

/** The names of the radios (or checkboxes) in a group: their inputs are visually hidden, the label carries the text. */
export function radioNames(group: Locator, role: 'radio' | 'checkbox' = 'radio'): Promise<string[]> {
  return group
    .getByRole(role)
    .evaluateAll((inputs) =>
      inputs.map((input) => (input as unknown as { labels: ArrayLike<{ textContent: string | null }> | null }).labels?.[0]?.textContent?.trim() ?? ''),
    );
}

/** Jest hooks: one fixture for the file, and no page complaint left over after each test. */
export function useConsoleFixture(options: { admin?: boolean } = {}): () => ConsoleFixture {
  let fixture: ConsoleFixture | undefined;
  beforeAll(async () => {
    fixture = await ConsoleFixture.start(options);
  });
  afterAll(async () => {
    await fixture?.close();
  });
  afterEach(() => {
    if (!fixture) return;
    expect(fixture.problems).toEqual([]);
    fixture.problems.length = 0;
  });
  return () => {
    if (!fixture) throw new Error('the console fixture did not start');
    return fixture;
  };
}
