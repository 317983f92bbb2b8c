import { createRootLogger } from '@app/core';
import { SECRET_FIELD_NAMES } from '@app/providers';
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
describe('gateway request log lines at debug (real app, real PostgreSQL)', () => {
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

  describe('gateway at debug', () => {
    let gateway: RunningGateway;
    const log = capturing('debug');
    beforeAll(async () => (gateway = await startGateway(url, {}, log.logger)));
    afterAll(() => gateway?.close());

    it('writes one line per metered call (served from node:http) and per Nest route, with the request id and no key', async () => {
      const res = await chat(gateway.url, key);
      expect(res.status).toBe(200);
      await res.text();
      const requestId = res.headers.get('x-request-id');
      const hot = await waitFor(
        () => (log.text(), log.lines.find((line) => line.msg === 'gateway request' && line.requestId === requestId)),
        "the metered call's line",
      );
      expect(hot).toMatchObject({ level: 20, method: 'POST', path: '/v1/chat/completions', status: 200 });
      expect(typeof hot.ms).toBe('number');

      const models = await fetch(`${gateway.url}/v1/models?probe=1`, { headers: { authorization: `Bearer ${key}`, 'x-request-id': 'caller-chosen-id-1' } });
      expect(models.status).toBe(200);
      expect(models.headers.get('x-request-id')).toBe('caller-chosen-id-1');
      const nest = await waitFor(
        () => (log.text(), log.lines.find((line) => line.msg === 'gateway request' && line.reqId === 'caller-chosen-id-1')),
        "the Nest route's line",
      );
      expect(nest).toMatchObject({ level: 20, route: '/v1/models', req: { method: 'GET', path: '/v1/models' }, res: { status: 200 } });
      expect(log.text()).not.toContain(key);
      expect(log.text()).not.toContain('probe=1');
    });
  });
});
