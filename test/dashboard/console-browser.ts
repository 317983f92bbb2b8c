import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');

/** One headless Chromium (Debian's) with a fresh profile, for the whole file. */
export async function launchChromium(): Promise<BrowserContextFactory> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium (the CI script does)`);
  if (!existsSync(join(ROOT, 'dist', 'console', 'index.html')))
    throw new Error('The console is not built: run `npm run build` (or `npm run build:console`) first');
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  // Playwright starts Chromium on a fresh temporary --user-data-dir of its own (it refuses one in args); each context is isolated
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  return {
    newContext: (locale) =>
      browser.newContext({ locale, viewport: { width: 1366, height: 900 }, acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] }),
    close: () => browser.close(),
  };
}

export interface BrowserContextFactory {
  newContext(locale: string): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Everything the page complains about: script errors, CSP refusals, failed requests. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // 4xx answers the console expects and handles (e.g. a route an older server lacks) are logged by Chromium; CSP refusals and errors are not expected
    if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(text)) problems.push(`console: ${text}`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return problems;
}

export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  labels = { email: 'Email', password: 'Password', submit: 'Sign in' },
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel(labels.email).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: labels.submit }).click();
  await page.getByRole('navigation').waitFor();
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's serious and critical violations on the page as it is now (evaluated over DevTools: the page's CSP stays strict). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(`${AXE}\n;undefined`);
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

/** Screenshots go to docs/screenshots when UPDATE_SCREENSHOTS=1 (for the README), else to test-results/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
