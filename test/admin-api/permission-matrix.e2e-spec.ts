import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC } from '../../apps/admin-api/src/auth';
import { AdminApp, call, createAdminApp, seedDepartment, SeededUser, seedUser } from '../support/admin-app';
import { createTestDatabase } from '@app/core/testing';

/**
 * THE PERMISSION MATRIX: every admin API route × every role × own/other department, as the
 * contract's "who" column says. Department A is the team lead's and the developer's; B is another.
 * `allow` means any 2xx; `deny` means 403 with a reason. Every case also runs without a token (401).
 *
 * Adding a route? Add its rows here: the last test fails for any route that has none.
 */
type Actor = 'admin' | 'finance' | 'lead' | 'dev';
const ACTORS: Actor[] = ['admin', 'finance', 'lead', 'dev'];
const ROLE = { admin: 'admin', finance: 'finance', lead: 'team_lead', dev: 'developer' } as const;
type Verdict = 'allow' | 'deny';
type Grid = Record<Actor, Verdict>;

const allow = (...actors: Actor[]): Grid => Object.fromEntries(ACTORS.map((actor) => [actor, actors.includes(actor) ? 'allow' : 'deny'])) as Grid;
const EVERYONE = allow('admin', 'finance', 'lead', 'dev');
const ADMIN_ONLY = allow('admin');
const READERS = allow('admin', 'finance', 'lead'); // admin, finance, team lead (own department)
const ORG_READERS = allow('admin', 'finance'); // what a team lead may not see: other departments
const MANAGERS = allow('admin', 'lead'); // admin, team lead (own department)

interface Case {
  /** The route pattern as Nest registered it, e.g. `GET /users/:id`. */
  route: string;
  what: string;
  /** The concrete path (fixtures created per call, so destructive calls have their own victim). */
  path: (actor: Actor) => Promise<string> | string;
  body?: (actor: Actor) => unknown;
  grid: Grid;
  /** Acts as a fresh user of the actor's role instead (for calls that end the actor's session). */
  as?: (actor: Actor) => Promise<string>;
}

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

  const cases: Case[] = [
    // ── signed-in self-service ──────────────────────────────────────────────────────────────
    { route: 'GET /me', what: 'own profile', path: () => '/api/me', grid: EVERYONE },
    { route: 'GET /me/usage', what: 'own usage', path: () => '/api/me/usage?range=today', grid: EVERYONE },
    { route: 'GET /me/usage/timeseries', what: 'own usage over time', path: () => '/api/me/usage/timeseries?range=24h', grid: EVERYONE },
    { route: 'GET /me/usage/events', what: 'own calls', path: () => '/api/me/usage/events', grid: EVERYONE },
    { route: 'GET /me/quotas', what: 'own quotas', path: () => '/api/me/quotas', grid: EVERYONE },
    {
      route: 'POST /auth/password',
      what: 'change own password',
      path: () => '/api/auth/password',
      body: () => ({ currentPassword: 'First-lantern-harbour-1', newPassword: 'Second-violet-meadow-2' }),
      as: async (actor) =>
        (
          await seedUser(admin.app, {
            role: ROLE[actor],
            departmentId: ROLE[actor] === 'admin' || ROLE[actor] === 'finance' ? null : ids.deptA,
            password: 'First-lantern-harbour-1',
          })
        ).token,
      grid: EVERYONE,
    },
    {
      route: 'POST /auth/logout',
      what: 'sign out (this session)',
      path: () => '/api/auth/logout',
      as: async (actor) =>
        (await seedUser(admin.app, { role: ROLE[actor], departmentId: ROLE[actor] === 'admin' || ROLE[actor] === 'finance' ? null : ids.deptA })).token,
      grid: EVERYONE,
    },
    // ── departments ─────────────────────────────────────────────────────────────────────────
    { route: 'GET /departments', what: 'list', path: () => '/api/departments', grid: READERS },
    { route: 'POST /departments', what: 'create', path: () => '/api/departments', body: () => ({ name: `d-${unique()}` }), grid: ADMIN_ONLY },
    { route: 'GET /departments/:id', what: 'own department', path: () => `/api/departments/${ids.deptA}`, grid: READERS },
    { route: 'GET /departments/:id', what: 'other department', path: () => `/api/departments/${ids.deptB}`, grid: ORG_READERS },
    {
      route: 'PATCH /departments/:id',
      what: 'own department',
      path: () => `/api/departments/${ids.deptA}`,
      body: () => ({ allowedModels: null }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /departments/:id',
      what: 'other department',
      path: () => `/api/departments/${ids.deptB}`,
      body: () => ({ allowedModels: null }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /departments/:id',
      what: 'an empty department',
      path: async () => `/api/departments/${await seedDepartment(admin.app)}`,
      grid: ADMIN_ONLY,
    },
    // ── users ───────────────────────────────────────────────────────────────────────────────
    { route: 'GET /users', what: 'list (team lead: own department)', path: () => '/api/users', grid: READERS },
    { route: 'GET /users', what: 'list of own department', path: () => `/api/users?departmentId=${ids.deptA}`, grid: READERS },
    { route: 'GET /users', what: 'list of other department', path: () => `/api/users?departmentId=${ids.deptB}`, grid: ORG_READERS },
    {
      route: 'POST /users',
      what: 'developer in own department',
      path: () => '/api/users',
      body: () => ({ email: `u-${unique()}@x.test`, name: 'u', departmentId: ids.deptA, role: 'developer' }),
      grid: MANAGERS,
    },
    {
      route: 'POST /users',
      what: 'team lead in own department',
      path: () => '/api/users',
      body: () => ({ email: `u-${unique()}@x.test`, name: 'u', departmentId: ids.deptA, role: 'team_lead' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users',
      what: 'developer in other department',
      path: () => '/api/users',
      body: () => ({ email: `u-${unique()}@x.test`, name: 'u', departmentId: ids.deptB, role: 'developer' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users',
      what: 'an admin (in own department)',
      path: () => '/api/users',
      body: () => ({ email: `u-${unique()}@x.test`, name: 'u', departmentId: ids.deptA, role: 'admin' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users',
      what: 'a finance user',
      path: () => '/api/users',
      body: () => ({ email: `u-${unique()}@x.test`, name: 'u', departmentId: ids.deptA, role: 'finance' }),
      grid: ADMIN_ONLY,
    },
    { route: 'GET /users/:id', what: 'self', path: (actor) => `/api/users/${self(actor)}`, grid: EVERYONE },
    { route: 'GET /users/:id', what: 'developer of own department', path: () => `/api/users/${ids.devA2}`, grid: READERS },
    { route: 'GET /users/:id', what: 'developer of other department', path: () => `/api/users/${ids.devB}`, grid: ORG_READERS },
    { route: 'GET /users/:id', what: 'an admin outside any department', path: () => `/api/users/${who.admin.user.id}`, grid: ORG_READERS },
    {
      route: 'PATCH /users/:id',
      what: 'rename developer of own department',
      path: () => `/api/users/${ids.devA2}`,
      body: () => ({ name: `n-${unique()}` }),
      grid: MANAGERS,
    },
    {
      route: 'PATCH /users/:id',
      what: 'promote own developer to team lead',
      path: async () => `/api/users/${await freshUser(ids.deptA)}`,
      body: () => ({ role: 'team_lead' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'set password of own developer',
      path: async () => `/api/users/${await freshUser(ids.deptA)}`,
      body: () => ({ password: 'Reset-by-manager-7731' }),
      grid: MANAGERS,
    },
    {
      route: 'PATCH /users/:id',
      what: 'set password of another team lead of own department',
      path: async () => `/api/users/${await freshUser(ids.deptA, 'team_lead')}`,
      body: () => ({ password: 'Taken-over-account-7731' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'change email of another team lead of own department',
      path: async () => `/api/users/${await freshUser(ids.deptA, 'team_lead')}`,
      body: () => ({ email: `t-${unique()}@x.test` }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'own password (only POST /auth/password)',
      path: (actor) => `/api/users/${self(actor)}`,
      body: () => ({ password: 'Self-service-bypass-7731' }),
      grid: allow(),
    },
    {
      route: 'PATCH /users/:id',
      what: 'promote own developer to admin',
      path: async () => `/api/users/${await freshUser(ids.deptA)}`,
      body: () => ({ role: 'admin' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'promote own developer to finance',
      path: async () => `/api/users/${await freshUser(ids.deptA)}`,
      body: () => ({ role: 'finance' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'move own developer to other department',
      path: async () => `/api/users/${await freshUser(ids.deptA)}`,
      body: () => ({ departmentId: ids.deptB }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'rename developer of other department',
      path: () => `/api/users/${ids.devB}`,
      body: () => ({ name: `n-${unique()}` }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'rename an admin of own department',
      path: () => `/api/users/${ids.adminA}`,
      body: () => ({ name: `n-${unique()}` }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'own role',
      path: (actor) => `/api/users/${self(actor)}`,
      body: (actor) => ({ role: actor === 'admin' ? 'developer' : 'admin' }),
      grid: allow(),
    },
    {
      route: 'PATCH /users/:id',
      what: 'reactivate own developer an admin deactivated',
      path: async () => {
        const id = await freshUser(ids.deptA);
        await api('DELETE', `/api/users/${id}`);
        return `/api/users/${id}`;
      },
      body: () => ({ active: true }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'reactivate own developer a team lead deactivated',
      path: async () => {
        const id = await freshUser(ids.deptA);
        await call(admin.url, 'DELETE', `/api/users/${id}`, who.lead.token);
        return `/api/users/${id}`;
      },
      body: () => ({ active: true }),
      grid: MANAGERS,
    },
    {
      route: 'DELETE /users/:id',
      what: 'deactivate developer of own department',
      path: async () => `/api/users/${await freshUser(ids.deptA)}`,
      grid: MANAGERS,
    },
    {
      route: 'DELETE /users/:id',
      what: 'deactivate team lead of own department',
      path: async () => `/api/users/${await freshUser(ids.deptA, 'team_lead')}`,
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /users/:id',
      what: 'deactivate developer of other department',
      path: async () => `/api/users/${await freshUser(ids.deptB)}`,
      grid: ADMIN_ONLY,
    },
    { route: 'DELETE /users/:id', what: 'deactivate self', path: (actor) => `/api/users/${self(actor)}`, grid: allow() },
    // ── API keys ────────────────────────────────────────────────────────────────────────────
    { route: 'GET /users/:id/api-keys', what: 'own keys', path: (actor) => `/api/users/${self(actor)}/api-keys`, grid: EVERYONE },
    { route: 'GET /users/:id/api-keys', what: 'keys of own department’s developer', path: () => `/api/users/${ids.devA2}/api-keys`, grid: MANAGERS },
    { route: 'GET /users/:id/api-keys', what: 'keys of other department’s developer', path: () => `/api/users/${ids.devB}/api-keys`, grid: ADMIN_ONLY },
    { route: 'GET /users/:id/api-keys', what: 'keys of an admin in own department', path: () => `/api/users/${ids.adminA}/api-keys`, grid: ADMIN_ONLY },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for self',
      path: (actor) => `/api/users/${self(actor)}/api-keys`,
      body: () => ({ name: 'mine' }),
      grid: EVERYONE,
    },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for own department’s developer',
      path: () => `/api/users/${ids.devA2}/api-keys`,
      body: () => ({}),
      grid: MANAGERS,
    },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for own department’s team lead',
      path: () => `/api/users/${ids.leadA2}/api-keys`,
      body: () => ({}),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for other department’s developer',
      path: () => `/api/users/${ids.devB}/api-keys`,
      body: () => ({}),
      grid: ADMIN_ONLY,
    },
    { route: 'DELETE /api-keys/:id', what: 'revoke own key', path: async (actor) => `/api/api-keys/${await freshKey(self(actor))}`, grid: EVERYONE },
    {
      route: 'DELETE /api-keys/:id',
      what: 'revoke key of own department’s developer',
      path: async () => `/api/api-keys/${await freshKey(ids.devA2)}`,
      grid: MANAGERS,
    },
    {
      route: 'DELETE /api-keys/:id',
      what: 'revoke key of other department’s developer',
      path: async () => `/api/api-keys/${await freshKey(ids.devB)}`,
      grid: ADMIN_ONLY,
    },
    // ── providers, models ───────────────────────────────────────────────────────────────────
    { route: 'GET /providers', what: 'list', path: () => '/api/providers', grid: ORG_READERS },
    { route: 'GET /providers/:id', what: 'one', path: () => `/api/providers/${ids.provider}`, grid: ORG_READERS },
    {
      route: 'POST /providers',
      what: 'create',
      path: () => '/api/providers',
      body: () => ({ name: `p-${unique()}`, kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk' }),
      grid: ADMIN_ONLY,
    },
    { route: 'PATCH /providers/:id', what: 'change', path: () => `/api/providers/${ids.provider}`, body: () => ({ enabled: true }), grid: ADMIN_ONLY },
    { route: 'DELETE /providers/:id', what: 'delete an unused one', path: async () => `/api/providers/${await freshProvider()}`, grid: ADMIN_ONLY },
    { route: 'GET /providers/:id/accounts', what: 'list accounts', path: () => `/api/providers/${ids.provider}/accounts`, grid: ORG_READERS },
    {
      route: 'POST /providers/:id/accounts',
      what: 'add an account',
      path: () => `/api/providers/${ids.provider}/accounts`,
      body: () => ({ name: `a-${unique()}`, apiKey: 'sk-account' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'GET /providers/:id/accounts/:accountId',
      what: 'one account',
      path: () => `/api/providers/${ids.provider}/accounts/${ids.account}`,
      grid: ORG_READERS,
    },
    {
      route: 'PATCH /providers/:id/accounts/:accountId',
      what: 'change weight',
      path: () => `/api/providers/${ids.provider}/accounts/${ids.account}`,
      body: () => ({ weight: 2 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /providers/:id/accounts/:accountId',
      what: 'delete an unused one',
      path: async () => `/api/providers/${ids.provider}/accounts/${await freshAccount()}`,
      grid: ADMIN_ONLY,
    },
    { route: 'GET /models', what: 'list', path: () => '/api/models', grid: EVERYONE },
    { route: 'GET /models/:id', what: 'one', path: () => `/api/models/${ids.model}`, grid: EVERYONE },
    {
      route: 'POST /models',
      what: 'create',
      path: () => '/api/models',
      body: () => ({ name: `m-${unique()}`, providerId: ids.provider, inputPrice: '1', outputPrice: 2, currency: 'CNY' }),
      grid: ADMIN_ONLY,
    },
    { route: 'PATCH /models/:id', what: 'change a price', path: () => `/api/models/${ids.model}`, body: () => ({ inputPrice: '1.5' }), grid: ADMIN_ONLY },
    { route: 'DELETE /models/:id', what: 'delete', path: async () => `/api/models/${await freshModel()}`, grid: ADMIN_ONLY },
    // ── provider balances and polling ───────────────────────────────────────────────────────
    { route: 'GET /providers/quota', what: 'latest snapshots', path: () => '/api/providers/quota', grid: READERS },
    { route: 'POST /providers/:id/poll', what: 'poll now', path: () => `/api/providers/${ids.provider}/poll`, grid: ORG_READERS },
    {
      route: 'GET /providers/:id/reconciliation',
      what: 'reconciliation',
      path: () => `/api/providers/${ids.provider}/reconciliation?from=2026-01-01&to=2026-01-02`,
      grid: ORG_READERS,
    },
    // ── quotas ──────────────────────────────────────────────────────────────────────────────
    { route: 'GET /quotas', what: 'list', path: () => '/api/quotas', grid: READERS },
    {
      route: 'PUT /quotas',
      what: 'own department’s developer',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: ids.devA2, period: 'day', maxTokens: 1000 }),
      grid: MANAGERS,
    },
    {
      route: 'PUT /quotas',
      what: 'own department (its budget)',
      path: () => '/api/quotas',
      body: () => ({ scope: 'department', subjectId: ids.deptA, period: 'month', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'self',
      path: () => '/api/quotas',
      body: (actor) => ({ scope: 'user', subjectId: self(actor), period: 'week', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'another team lead of own department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: ids.leadA2, period: 'day', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'an admin of own department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: ids.adminA, period: 'day', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'a finance user of own department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: ids.financeA, period: 'day', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'other department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'department', subjectId: ids.deptB, period: 'day', maxRequests: 5 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'other department’s developer',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: ids.devB, period: 'day', maxRequests: 5 }),
      grid: ADMIN_ONLY,
    },
    { route: 'GET /quotas/status', what: 'own department', path: () => `/api/quotas/status?scope=department&subjectId=${ids.deptA}`, grid: READERS },
    { route: 'GET /quotas/status', what: 'other department', path: () => `/api/quotas/status?scope=department&subjectId=${ids.deptB}`, grid: ORG_READERS },
    {
      route: 'DELETE /quotas/:id',
      what: 'own department’s developer’s',
      path: async () => `/api/quotas/${await freshQuota('user', await freshUser(ids.deptA))}`,
      grid: MANAGERS,
    },
    {
      route: 'DELETE /quotas/:id',
      what: 'own department’s budget',
      path: async () => `/api/quotas/${await freshQuota('department', ids.deptA)}`,
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /quotas/:id',
      what: 'the team lead’s own',
      path: async () => `/api/quotas/${await freshQuota('user', who.lead.user.id)}`,
      grid: ADMIN_ONLY,
    },
    { route: 'DELETE /quotas/:id', what: 'other department’s', path: async () => `/api/quotas/${await freshQuota('department', ids.deptB)}`, grid: ADMIN_ONLY },
    // ── usage and reports ───────────────────────────────────────────────────────────────────
    { route: 'GET /usage/events', what: 'events (team lead: own department)', path: () => '/api/usage/events', grid: READERS },
    { route: 'GET /usage/events', what: 'events of other department', path: () => `/api/usage/events?departmentId=${ids.deptB}`, grid: ORG_READERS },
    { route: 'GET /usage/summary', what: 'top users', path: () => '/api/usage/summary?range=7d&groupBy=user', grid: READERS },
    {
      route: 'GET /usage/summary',
      what: 'summary of other department',
      path: () => `/api/usage/summary?range=7d&groupBy=user&departmentId=${ids.deptB}`,
      grid: ORG_READERS,
    },
    { route: 'GET /usage/timeseries', what: 'over time', path: () => '/api/usage/timeseries?range=24h', grid: READERS },
    {
      route: 'GET /reports/usage.csv',
      what: 'CSV export',
      path: () => '/api/reports/usage.csv?from=2026-01-01&to=2026-01-31&groupBy=department,model',
      grid: READERS,
    },
    // ── audit ───────────────────────────────────────────────────────────────────────────────
    { route: 'GET /audit-log', what: 'read', path: () => '/api/audit-log', grid: ADMIN_ONLY },
  ];

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
    const missing: string[] = [];
    for (const module of admin.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
        if (!controller || Reflect.getMetadata(IS_PUBLIC, controller)) continue;
        const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[name];
          if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(IS_PUBLIC, handler)) continue;
          const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
          if (path === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          const route = `${method} /${[prefix, path].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
          if (!covered.has(route)) missing.push(route);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
