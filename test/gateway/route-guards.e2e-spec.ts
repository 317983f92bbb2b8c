import { createTestDatabase } from '@app/core/testing';
import { IS_PUBLIC_ROUTE } from '../../apps/gateway/src/key-auth/public.decorator';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { concretePath, NestRoute, routesOf } from '../support/nest-routes';
import { Seed } from '../support/seed';

/**
 * The routes served straight from node:http, ahead of Nest's router (gateway-app.ts and the
 * pass-through list in proxy/passthrough.service.ts): no decorator reaches them, so they are listed
 * here, and each must refuse a call without a valid key like every unmarked Nest route.
 */
const NODE_HTTP_ROUTES = [
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/completions',
  '/v1/messages',
  '/v1/responses',
  '/v1/messages/count_tokens',
  '/v1/audio/transcriptions',
  '/v1/audio/translations',
  '/v1/images/generations',
  '/v1/images/edits',
  '/v1/images/variations',
  '/v1/moderations',
  '/v1/rerank',
  '/v1/reranks',
];

describe('deny by default: every gateway route is @Public() or authenticates the caller’s key', () => {
  let gateway: RunningGateway;
  let routes: NestRoute[];
  const isPublic = (route: NestRoute) => route.metadata(IS_PUBLIC_ROUTE) === true;

  beforeAll(async () => {
    const url = await createTestDatabase();
    const seed = await Seed.connect(url);
    // a model that exists, so a route that forgot the key would get past "unknown model"
    await seed.model('gpt-test', await seed.provider('openai', 'http://127.0.0.1:9/v1', 'sk-unused'));
    await seed.close();
    gateway = await startGateway(url);
    routes = routesOf(gateway.app);
  });

  afterAll(() => gateway?.close());

  it('finds the Nest routes (sanity check of the discovery itself)', () => {
    expect(routes.map((route) => route.name)).toEqual(expect.arrayContaining(['ModelsController.list', 'ModelsController.one', 'HealthController.healthz']));
  });

  it('keeps the public routes to the known few: health, liveness and the metrics scrape (which has its own token)', () => {
    expect(
      routes
        .filter(isPublic)
        .map((route) => route.name)
        .sort(),
    ).toEqual(['HealthController.healthz', 'HealthController.livez', 'HealthController.scrape']);
  });

  it('answers 401 without a key, and with a key that is not one, on every other Nest route', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => !isPublic(r))) {
      const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer tg_not-a-real-key-000000000000000000000000' }, { 'x-api-key': 'garbage' }];
      for (const headers of attempts) {
        const res = await fetch(`${gateway.url}${concretePath(route.path)}`, { method: route.method, headers });
        if (res.status !== 401) failures.push(`${route.method} ${route.path} ${JSON.stringify(headers)}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 401 without a key on every route served from node:http', async () => {
    const failures: string[] = [];
    for (const path of NODE_HTTP_ROUTES) {
      const res = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], input: 'hi', prompt: 'hi', max_tokens: 8 }),
      });
      await res.text();
      if (res.status !== 401) failures.push(`POST ${path}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
