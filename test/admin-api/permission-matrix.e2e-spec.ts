import { RunningAdmin, startAdmin } from '../support/admin-harness';
import { Seed } from '../support/seed';
import { createTestDatabase } from '../support/test-database';

type Actor = 'admin' | 'finance' | 'lead' | 'dev' | 'anonymous';
type Expect = Partial<Record<Actor, number>>;

/**
 * Every route × every role × own/other department, as the contract's "who" column says.
 * A = the team lead's and developer's department, B = another one.
 */
describe('admin API permission matrix (real HTTP, real PostgreSQL)', () => {
  let admin: RunningAdmin;
  let seed: Seed;
  const tokens: Partial<Record<Actor, string>> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    ids.deptA = await seed.department('Dept A');
    ids.deptB = await seed.department('Dept B');
    const password = 'a-long-password';
    ids.admin = await seed.user({ departmentId: null, role: 'admin', email: 'admin@x.test', password });
    ids.finance = await seed.user({ departmentId: null, role: 'finance', email: 'finance@x.test', password });
    ids.lead = await seed.user({ departmentId: ids.deptA, role: 'team_lead', email: 'lead@x.test', password });
    ids.dev = await seed.user({ departmentId: ids.deptA, role: 'developer', email: 'dev@x.test', password });
    ids.devA2 = await seed.user({ departmentId: ids.deptA, role: 'developer', email: 'dev2@x.test', password });
    ids.devB = await seed.user({ departmentId: ids.deptB, role: 'developer', email: 'devb@x.test', password });
    ids.provider = await seed.provider('openai', 'http://127.0.0.1:9/v1', 'sk-x');
    ids.model = await seed.model('m1', ids.provider);
    ids.keyB = (await seed.apiKey(ids.devB)).id;
    admin = await startAdmin(url);
    for (const actor of ['admin', 'finance', 'lead', 'dev'] as const) tokens[actor] = await admin.login(`${actor}@x.test`, password);
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
  });

  const OK = 200;
  const CREATED = 201;
  const NO_CONTENT = 204;
  const FORBIDDEN = 403;
  const ALL_DENIED_BUT_ADMIN = (ok: number): Expect => ({ admin: ok, finance: FORBIDDEN, lead: FORBIDDEN, dev: FORBIDDEN });

  let n = 0;
  const unique = () => `${Date.now()}-${n++}`;

  const cases: Array<[string, string, () => string, (() => unknown) | undefined, Expect]> = [
    ['GET', 'departments', () => '/api/departments', undefined, { admin: OK, finance: OK, lead: OK, dev: FORBIDDEN }],
    ['POST', 'departments', () => '/api/departments', () => ({ name: `d-${unique()}` }), ALL_DENIED_BUT_ADMIN(CREATED)],
    ['GET', 'own department', () => `/api/departments/${ids.deptA}`, undefined, { admin: OK, finance: OK, lead: OK, dev: FORBIDDEN }],
    ['GET', 'other department', () => `/api/departments/${ids.deptB}`, undefined, { admin: OK, finance: OK, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['PATCH', 'own department', () => `/api/departments/${ids.deptA}`, () => ({ name: 'Dept A' }), ALL_DENIED_BUT_ADMIN(OK)],
    ['GET', 'users of own department', () => `/api/users?departmentId=${ids.deptA}`, undefined, { admin: OK, finance: OK, lead: OK, dev: FORBIDDEN }],
    ['GET', 'users of other department', () => `/api/users?departmentId=${ids.deptB}`, undefined, { admin: OK, finance: OK, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['POST', 'developer in own department', () => '/api/users', () => ({ email: `u${unique()}@x.test`, name: 'u', departmentId: ids.deptA, role: 'developer' }), { admin: CREATED, finance: FORBIDDEN, lead: CREATED, dev: FORBIDDEN }],
    ['POST', 'developer in other department', () => '/api/users', () => ({ email: `u${unique()}@x.test`, name: 'u', departmentId: ids.deptB, role: 'developer' }), { admin: CREATED, finance: FORBIDDEN, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['POST', 'an admin', () => '/api/users', () => ({ email: `u${unique()}@x.test`, name: 'u', departmentId: ids.deptA, role: 'admin' }), { admin: CREATED, finance: FORBIDDEN, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['PATCH', 'promote own developer to finance', () => `/api/users/${ids.devA2}`, () => ({ role: 'finance' }), { finance: FORBIDDEN, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['PATCH', 'rename own developer', () => `/api/users/${ids.devA2}`, () => ({ name: 'renamed' }), { admin: OK, finance: FORBIDDEN, lead: OK, dev: FORBIDDEN }],
    ['GET', 'user of other department', () => `/api/users/${ids.devB}`, undefined, { admin: OK, finance: OK, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['GET', 'self', () => `/api/users/${ids.dev}`, undefined, { admin: OK, finance: OK, lead: OK, dev: OK }],
    ['GET', 'keys of own developer', () => `/api/users/${ids.dev}/api-keys`, undefined, { admin: OK, finance: FORBIDDEN, lead: OK, dev: OK }],
    ['POST', 'key for self/own developer', () => `/api/users/${ids.dev}/api-keys`, () => ({ name: 'k' }), { admin: CREATED, finance: FORBIDDEN, lead: CREATED, dev: CREATED }],
    ['POST', 'key for other department', () => `/api/users/${ids.devB}/api-keys`, () => ({}), { admin: CREATED, finance: FORBIDDEN, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['DELETE', 'key of other department', () => `/api/api-keys/${ids.keyB}`, undefined, { finance: FORBIDDEN, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['GET', 'providers', () => '/api/providers', undefined, { admin: OK, finance: OK, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['POST', 'providers', () => '/api/providers', () => ({ name: `p-${unique()}`, kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk' }), ALL_DENIED_BUT_ADMIN(CREATED)],
    ['GET', 'models', () => '/api/models', undefined, { admin: OK, finance: OK, lead: OK, dev: OK }],
    ['POST', 'models', () => '/api/models', () => ({ name: `m-${unique()}`, providerId: ids.provider, inputPrice: '1', outputPrice: '1', currency: 'USD' }), ALL_DENIED_BUT_ADMIN(CREATED)],
    ['PATCH', 'model price', () => `/api/models/${ids.model}`, () => ({ inputPrice: '1.5' }), ALL_DENIED_BUT_ADMIN(OK)],
    ['PUT', 'quota of own developer', () => '/api/quotas', () => ({ scope: 'user', subjectId: ids.dev, period: 'day', maxTokens: 1000 }), { admin: OK, finance: FORBIDDEN, lead: OK, dev: FORBIDDEN }],
    ['PUT', 'quota of own department', () => '/api/quotas', () => ({ scope: 'department', subjectId: ids.deptA, period: 'month', maxRequests: 1000 }), { admin: OK, finance: FORBIDDEN, lead: OK, dev: FORBIDDEN }],
    ['PUT', 'quota of other department', () => '/api/quotas', () => ({ scope: 'department', subjectId: ids.deptB, period: 'day', maxRequests: 5 }), { admin: OK, finance: FORBIDDEN, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['GET', 'quotas', () => '/api/quotas', undefined, { admin: OK, finance: OK, lead: OK, dev: FORBIDDEN }],
    ['GET', 'quota status, own department', () => `/api/quotas/status?scope=department&subjectId=${ids.deptA}`, undefined, { admin: OK, finance: OK, lead: OK, dev: FORBIDDEN }],
    ['GET', 'quota status, other department', () => `/api/quotas/status?scope=department&subjectId=${ids.deptB}`, undefined, { admin: OK, finance: OK, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['GET', 'usage events', () => '/api/usage/events', undefined, { admin: OK, finance: OK, lead: OK, dev: FORBIDDEN }],
    ['GET', 'usage events of other department', () => `/api/usage/events?departmentId=${ids.deptB}`, undefined, { admin: OK, finance: OK, lead: FORBIDDEN, dev: FORBIDDEN }],
    ['GET', 'usage summary', () => '/api/usage/summary?range=7d&groupBy=user', undefined, { admin: OK, finance: OK, lead: OK, dev: FORBIDDEN }],
    ['GET', 'audit log', () => '/api/audit-log', undefined, ALL_DENIED_BUT_ADMIN(OK)],
    ['GET', 'me', () => '/api/me', undefined, { admin: OK, finance: OK, lead: OK, dev: OK }],
    ['GET', 'my usage', () => '/api/me/usage?range=today', undefined, { admin: OK, finance: OK, lead: OK, dev: OK }],
    ['GET', 'my quotas', () => '/api/me/quotas', undefined, { admin: OK, finance: OK, lead: OK, dev: OK }],
  ];

  it.each(cases)('%s %s', async (method, _what, path, body, expected) => {
    for (const [actor, status] of Object.entries(expected) as Array<[Actor, number]>) {
      const res = await admin.call(method, path(), tokens[actor], body?.());
      if (res.status !== status) throw new Error(`${actor}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
      if (status === FORBIDDEN) expect(res.body.message).toBeTruthy(); // a clear reason every time
    }
    const anonymous = await admin.call(method, path(), undefined, body?.());
    expect(anonymous.status).toBe(401);
  });

  it('lets a team lead deactivate a developer of their department, whose keys then stop', async () => {
    const res = await admin.call('DELETE', `/api/users/${ids.devA2}`, tokens.lead);
    expect(res.status).toBe(NO_CONTENT);
    const user = await admin.call('GET', `/api/users/${ids.devA2}`, tokens.admin);
    expect(user.body.active).toBe(false);
  });

  it('records every change in the audit log, without secrets', async () => {
    const log = await admin.call('GET', '/api/audit-log?limit=500', tokens.admin);
    const actions = new Set(log.body.items.map((e: { action: string }) => e.action));
    for (const action of ['department.create', 'user.create', 'user.update', 'user.deactivate', 'api_key.create', 'provider.create', 'model.create', 'model.update', 'quota.create']) {
      expect(actions).toContain(action);
    }
    const text = JSON.stringify(log.body);
    expect(text).not.toMatch(/keyHash|passwordHash|encryptedCredentials|"apiKey"/);
    const priceChange = log.body.items.find((e: { action: string }) => e.action === 'model.update');
    expect(priceChange.before.inputPrice).toBe('1');
    expect(priceChange.after.inputPrice).toBe('1.5');
  });
});
