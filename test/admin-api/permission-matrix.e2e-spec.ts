import { IS_PUBLIC } from '../../apps/admin-api/src/auth';
import { AdminApp, call, createAdminApp, seedDepartment, SeededUser, seedUser, SeedUserOptions } from '../support/admin-app';
import { routesOf } from '../support/nest-routes';
import { createTestDatabase } from '@app/core/testing';
import { ACTORS, Actor } from './permission-matrix.cases';
import { identityCases } from './permission-matrix.identity-cases';
import { resourceCases } from './permission-matrix.resource-cases';

/**
 * THE PERMISSION MATRIX: every admin API route × every role × own/other department, as the
 * contract's "who" column says. Department A is the team lead's and the developer's; B is another.
 * `allow` means any 2xx; `deny` means 403 with a reason. Every case also runs without a token (401).
 *
 * Adding a route? Add its rows to permission-matrix.cases.ts: the last test fails for any route that has none.
 */

describe('admin API permission matrix: every route × role × own/other department (real HTTP, real PostgreSQL)', () => {
  let admin: AdminApp;
  const who = {} as Record<Actor, SeededUser>;
  const ids: Record<string, string> = {};
  let n = 0;
  const unique = () => `${process.pid}-${n++}`;

  const api = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await call<T>(admin.url, method, path, who.admin.token, body);
    if (res.status >= 300) throw new Error(`fixture ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const freshUser = async (departmentId: string, role = 'developer') =>
    (await api<{ id: string }>('POST', '/api/users', { email: `u-${unique()}@x.test`, name: 'fixture', departmentId, role })).id;
  const freshKey = async (userId: string) => (await api<{ id: string }>('POST', `/api/users/${userId}/api-keys`, { name: 'fixture' })).id;
  const freshProvider = async () =>
    (await api<{ id: string }>('POST', '/api/providers', { name: `p-${unique()}`, kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-fixture' })).id;
  const freshAccount = async () =>
    (await api<{ id: string }>('POST', `/api/providers/${ids.provider}/accounts`, { name: `a-${unique()}`, apiKey: 'sk-fixture' })).id;
  const freshModel = async () =>
    (await api<{ id: string }>('POST', '/api/models', { name: `m-${unique()}`, providerId: ids.provider, inputPrice: '1', outputPrice: '2', currency: 'USD' }))
      .id;
  const freshQuota = async (scope: 'user' | 'department', subjectId: string) => {
    // a period per call keeps the (scope, subject, period) upserts apart
    const periods = ['minute', 'day', 'week', 'month'] as const;
    return (await api<{ id: string }>('PUT', '/api/quotas', { scope, subjectId, period: periods[n++ % 4], maxRequests: 100 })).id;
  };
  const self = (actor: Actor) => who[actor].user.id;

  beforeAll(async () => {
    const url = await createTestDatabase();
    admin = await createAdminApp(url);
    ids.deptA = await seedDepartment(admin.app, 'Dept A');
    ids.deptB = await seedDepartment(admin.app, 'Dept B');
    who.admin = await seedUser(admin.app, { role: 'admin' });
    who.finance = await seedUser(admin.app, { role: 'finance' });
    who.lead = await seedUser(admin.app, { role: 'team_lead', departmentId: ids.deptA });
    who.dev = await seedUser(admin.app, { role: 'developer', departmentId: ids.deptA });
    ids.devA2 = (await seedUser(admin.app, { role: 'developer', departmentId: ids.deptA })).user.id;
    ids.leadA2 = (await seedUser(admin.app, { role: 'team_lead', departmentId: ids.deptA })).user.id;
    ids.adminA = (await seedUser(admin.app, { role: 'admin', departmentId: ids.deptA })).user.id;
    ids.financeA = (await seedUser(admin.app, { role: 'finance', departmentId: ids.deptA })).user.id;
    ids.devB = (await seedUser(admin.app, { role: 'developer', departmentId: ids.deptB })).user.id;
    ids.provider = await freshProvider();
    ids.model = await freshModel();
    ids.account = await freshAccount();
  }, 120_000);

  afterAll(() => admin?.close());

  const fixtures = {
    ids,
    who,
    unique,
    self,
    seedUser: (options: SeedUserOptions) => seedUser(admin.app, options),
    freshDepartment: () => seedDepartment(admin.app),
    asAdmin: api,
    callAs: (token: string, method: string, path: string) => call(admin.url, method, path, token),
    freshUser,
    freshKey,
    freshProvider,
    freshAccount,
    freshModel,
    freshQuota,
  };
  const cases = [...identityCases(fixtures), ...resourceCases(fixtures)];

  it.each(cases.map((c) => [c.route, c.what, c] as const))('%s — %s', async (_route, _what, c) => {
    const wrong: string[] = [];
    for (const actor of ACTORS) {
      const path = await c.path(actor);
      const token = c.as ? await c.as(actor) : who[actor].token;
      const res = await call<{ message?: unknown }>(admin.url, c.route.split(' ')[0], path, token, c.body?.(actor));
      const verdict = c.grid[actor];
      const ok = verdict === 'allow' ? res.status >= 200 && res.status < 300 : res.status === 403 && Boolean(res.body?.message);
      if (!ok) wrong.push(`${actor}: expected ${verdict}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    const anonymous = await call(admin.url, c.route.split(' ')[0], await c.path('admin'), undefined, c.body?.('admin'));
    if (anonymous.status !== 401) wrong.push(`anonymous: expected 401, got ${anonymous.status}`);
    expect(wrong).toEqual([]);
  });

  it('shows a team lead only their own department in lists', async () => {
    const departments = await call<{ items: Array<{ id: string }> }>(admin.url, 'GET', '/api/departments', who.lead.token);
    expect(departments.body.items.map((d) => d.id)).toEqual([ids.deptA]);
    const users = await call<{ items: Array<{ departmentId: string }> }>(admin.url, 'GET', '/api/users?limit=500', who.lead.token);
    expect(users.body.items.length).toBeGreaterThan(3);
    expect(new Set(users.body.items.map((u) => u.departmentId))).toEqual(new Set([ids.deptA]));
  });

  it('answers 404 for what does not exist, before or after scope as appropriate, never 500', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of [
      `/api/users/${missing}`,
      `/api/departments/${missing}`,
      `/api/providers/${missing}`,
      `/api/models/${missing}`,
      `/api/users/${missing}/api-keys`,
    ]) {
      expect([path, (await call(admin.url, 'GET', path, who.admin.token)).status]).toEqual([path, 404]);
    }
    expect((await call(admin.url, 'DELETE', `/api/api-keys/${missing}`, who.admin.token)).status).toBe(404);
    // a team lead asking for a stranger cannot tell "missing" from "not yours" in another department
    expect((await call(admin.url, 'GET', `/api/departments/${missing}`, who.lead.token)).status).toBe(403);
  });

  it('covers every non-public route registered in the app', () => {
    const covered = new Set(cases.map((c) => c.route));
    const missing = routesOf(admin.app)
      .filter((route) => !route.metadata(IS_PUBLIC))
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => !covered.has(route));
    expect(missing).toEqual([]);
  });
});
