import { createRootLogger } from '@app/core';
import { SECRET_FIELD_NAMES } from '@app/providers';
import { AdminApp, call, createAdminApp, loginAs } from '../support/admin-app';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { createTestDatabase, waitFor } from '@app/core/testing';

/** A root logger as main.ts builds it (secret fields redacted), keeping its JSON lines. */
function capturing(level: string): { logger: ReturnType<typeof createRootLogger>; lines: Array<Record<string, unknown>>; text: () => string } {
  const raw: string[] = [];
  const logger = createRootLogger(level, 'test', SECRET_FIELD_NAMES, { write: (chunk: string) => void raw.push(chunk) });
  const lines: Array<Record<string, unknown>> = [];
  return {
    logger,
    lines,
    text: () => {
      lines.splice(
        0,
        lines.length,
        ...raw
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      return raw.join('');
    },
  };
}

const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });

/**
 * nestjs-pino keeps ONE pino-http middleware per process (the first app's): one app per process
 * in production. Jest gives each file its own module registry, so each file here builds the app
 * whose Nest request lines it checks first; the gateway's node:http routes log through the app's
 * own logger and are checked in both.
 */
describe('admin request log lines; gateway metered calls at info (real apps, real PostgreSQL)', () => {
  let url: string;
  let seed: Seed;
  let fake: FakeProvider;
  let key: string;

  beforeAll(async () => {
    url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai');
    await seed.model('gpt-test', await seed.provider('openai', fake.baseUrl, fake.apiKey));
    key = (await seed.developer()).key;
  });

  afterAll(async () => {
    await seed?.close();
    await fake?.close();
  });

  describe('admin API at info', () => {
    let admin: AdminApp;
    const log = capturing('info');
    beforeAll(async () => {
      await seed.user({ departmentId: null, role: 'admin', email: 'log-admin@x.test', password: 'a-long-password' });
      admin = await createAdminApp(url, {}, log.logger);
    });
    afterAll(() => admin?.close());

    it('writes one line per request with route, status, caller and request id; never the token or a password', async () => {
      const token = await loginAs(admin.url, 'log-admin@x.test', 'a-long-password');
      const res = await call(admin.url, 'GET', '/api/departments?limit=5', token);
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id');
      const line = await waitFor(
        () => (log.text(), log.lines.find((entry) => entry.msg === 'admin request' && entry.reqId === requestId)),
        'the admin request line',
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; id ${requestId}; lines: ${log.text().slice(-3000)}`);
      });
      expect(line).toMatchObject({ level: 30, route: '/api/departments', req: { method: 'GET', path: '/api/departments' }, res: { status: 200 } });
      expect(typeof line.userId).toBe('string');
      const text = log.text();
      expect(text).not.toContain(token);
      expect(text).not.toContain('a-long-password');
    });
  });
  describe('gateway at info', () => {
    let gateway: RunningGateway;
    const log = capturing('info');
    beforeAll(async () => (gateway = await startGateway(url, {}, log.logger)));
    afterAll(() => gateway?.close());

    it('writes no request line (a level check only on the hot path)', async () => {
      const res = await chat(gateway.url, key);
      expect(res.status).toBe(200);
      await res.text();
      log.text();
      expect(log.lines.filter((line) => line.msg === 'gateway request')).toEqual([]);
    });
  });
});
