import type { Case, MatrixFixtures } from './permission-matrix.cases';
import { ADMIN_ONLY, EVERYONE, MANAGERS, ORG_READERS, READERS, ROLE, allow } from './permission-matrix.cases';

/** Matrix rows: self-service, departments, users and API keys. */
export function identityCases(f: MatrixFixtures): Case[] {
  return [
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
          await f.seedUser({
            role: ROLE[actor],
            departmentId: ROLE[actor] === 'admin' || ROLE[actor] === 'finance' ? null : f.ids.deptA,
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
        (await f.seedUser({ role: ROLE[actor], departmentId: ROLE[actor] === 'admin' || ROLE[actor] === 'finance' ? null : f.ids.deptA })).token,
      grid: EVERYONE,
    },
    // ── departments ─────────────────────────────────────────────────────────────────────────
    { route: 'GET /departments', what: 'list', path: () => '/api/departments', grid: READERS },
    { route: 'POST /departments', what: 'create', path: () => '/api/departments', body: () => ({ name: `d-${f.unique()}` }), grid: ADMIN_ONLY },
    { route: 'GET /departments/:id', what: 'own department', path: () => `/api/departments/${f.ids.deptA}`, grid: READERS },
    { route: 'GET /departments/:id', what: 'other department', path: () => `/api/departments/${f.ids.deptB}`, grid: ORG_READERS },
    {
      route: 'PATCH /departments/:id',
      what: 'own department',
      path: () => `/api/departments/${f.ids.deptA}`,
      body: () => ({ allowedModels: null }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /departments/:id',
      what: 'other department',
      path: () => `/api/departments/${f.ids.deptB}`,
      body: () => ({ allowedModels: null }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /departments/:id',
      what: 'an empty department',
      path: async () => `/api/departments/${await f.freshDepartment()}`,
      grid: ADMIN_ONLY,
    },
    // ── users ───────────────────────────────────────────────────────────────────────────────
    { route: 'GET /users', what: 'list (team lead: own department)', path: () => '/api/users', grid: READERS },
    { route: 'GET /users', what: 'list of own department', path: () => `/api/users?departmentId=${f.ids.deptA}`, grid: READERS },
    { route: 'GET /users', what: 'list of other department', path: () => `/api/users?departmentId=${f.ids.deptB}`, grid: ORG_READERS },
    {
      route: 'POST /users',
      what: 'developer in own department',
      path: () => '/api/users',
      body: () => ({ email: `u-${f.unique()}@x.test`, name: 'u', departmentId: f.ids.deptA, role: 'developer' }),
      grid: MANAGERS,
    },
    {
      route: 'POST /users',
      what: 'team lead in own department',
      path: () => '/api/users',
      body: () => ({ email: `u-${f.unique()}@x.test`, name: 'u', departmentId: f.ids.deptA, role: 'team_lead' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users',
      what: 'developer in other department',
      path: () => '/api/users',
      body: () => ({ email: `u-${f.unique()}@x.test`, name: 'u', departmentId: f.ids.deptB, role: 'developer' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users',
      what: 'an admin (in own department)',
      path: () => '/api/users',
      body: () => ({ email: `u-${f.unique()}@x.test`, name: 'u', departmentId: f.ids.deptA, role: 'admin' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users',
      what: 'a finance user',
      path: () => '/api/users',
      body: () => ({ email: `u-${f.unique()}@x.test`, name: 'u', departmentId: f.ids.deptA, role: 'finance' }),
      grid: ADMIN_ONLY,
    },
    { route: 'GET /users/:id', what: 'self', path: (actor) => `/api/users/${f.self(actor)}`, grid: EVERYONE },
    { route: 'GET /users/:id', what: 'developer of own department', path: () => `/api/users/${f.ids.devA2}`, grid: READERS },
    { route: 'GET /users/:id', what: 'developer of other department', path: () => `/api/users/${f.ids.devB}`, grid: ORG_READERS },
    { route: 'GET /users/:id', what: 'an admin outside any department', path: () => `/api/users/${f.who.admin.user.id}`, grid: ORG_READERS },
    {
      route: 'PATCH /users/:id',
      what: 'rename developer of own department',
      path: () => `/api/users/${f.ids.devA2}`,
      body: () => ({ name: `n-${f.unique()}` }),
      grid: MANAGERS,
    },
    {
      route: 'PATCH /users/:id',
      what: 'promote own developer to team lead',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA)}`,
      body: () => ({ role: 'team_lead' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'set password of own developer',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA)}`,
      body: () => ({ password: 'Reset-by-manager-7731' }),
      grid: MANAGERS,
    },
    {
      route: 'PATCH /users/:id',
      what: 'set password of another team lead of own department',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA, 'team_lead')}`,
      body: () => ({ password: 'Taken-over-account-7731' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'change email of another team lead of own department',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA, 'team_lead')}`,
      body: () => ({ email: `t-${f.unique()}@x.test` }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'own password (only POST /auth/password)',
      path: (actor) => `/api/users/${f.self(actor)}`,
      body: () => ({ password: 'Self-service-bypass-7731' }),
      grid: allow(),
    },
    {
      route: 'PATCH /users/:id',
      what: 'promote own developer to admin',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA)}`,
      body: () => ({ role: 'admin' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'promote own developer to finance',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA)}`,
      body: () => ({ role: 'finance' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'move own developer to other department',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA)}`,
      body: () => ({ departmentId: f.ids.deptB }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'rename developer of other department',
      path: () => `/api/users/${f.ids.devB}`,
      body: () => ({ name: `n-${f.unique()}` }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'rename an admin of own department',
      path: () => `/api/users/${f.ids.adminA}`,
      body: () => ({ name: `n-${f.unique()}` }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'own role',
      path: (actor) => `/api/users/${f.self(actor)}`,
      body: (actor) => ({ role: actor === 'admin' ? 'developer' : 'admin' }),
      grid: allow(),
    },
    {
      route: 'PATCH /users/:id',
      what: 'reactivate own developer an admin deactivated',
      path: async () => {
        const id = await f.freshUser(f.ids.deptA);
        await f.asAdmin('DELETE', `/api/users/${id}`);
        return `/api/users/${id}`;
      },
      body: () => ({ active: true }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PATCH /users/:id',
      what: 'reactivate own developer a team lead deactivated',
      path: async () => {
        const id = await f.freshUser(f.ids.deptA);
        await f.callAs(f.who.lead.token, 'DELETE', `/api/users/${id}`);
        return `/api/users/${id}`;
      },
      body: () => ({ active: true }),
      grid: MANAGERS,
    },
    {
      route: 'DELETE /users/:id',
      what: 'deactivate developer of own department',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA)}`,
      grid: MANAGERS,
    },
    {
      route: 'DELETE /users/:id',
      what: 'deactivate team lead of own department',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptA, 'team_lead')}`,
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /users/:id',
      what: 'deactivate developer of other department',
      path: async () => `/api/users/${await f.freshUser(f.ids.deptB)}`,
      grid: ADMIN_ONLY,
    },
    { route: 'DELETE /users/:id', what: 'deactivate self', path: (actor) => `/api/users/${f.self(actor)}`, grid: allow() },
    // ── API keys ────────────────────────────────────────────────────────────────────────────
    { route: 'GET /users/:id/api-keys', what: 'own keys', path: (actor) => `/api/users/${f.self(actor)}/api-keys`, grid: EVERYONE },
    { route: 'GET /users/:id/api-keys', what: 'keys of own department’s developer', path: () => `/api/users/${f.ids.devA2}/api-keys`, grid: MANAGERS },
    { route: 'GET /users/:id/api-keys', what: 'keys of other department’s developer', path: () => `/api/users/${f.ids.devB}/api-keys`, grid: ADMIN_ONLY },
    { route: 'GET /users/:id/api-keys', what: 'keys of an admin in own department', path: () => `/api/users/${f.ids.adminA}/api-keys`, grid: ADMIN_ONLY },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for self',
      path: (actor) => `/api/users/${f.self(actor)}/api-keys`,
      body: () => ({ name: 'mine' }),
      grid: EVERYONE,
    },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for own department’s developer',
      path: () => `/api/users/${f.ids.devA2}/api-keys`,
      body: () => ({}),
      grid: MANAGERS,
    },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for own department’s team lead',
      path: () => `/api/users/${f.ids.leadA2}/api-keys`,
      body: () => ({}),
      grid: ADMIN_ONLY,
    },
    {
      route: 'POST /users/:id/api-keys',
      what: 'key for other department’s developer',
      path: () => `/api/users/${f.ids.devB}/api-keys`,
      body: () => ({}),
      grid: ADMIN_ONLY,
    },
    { route: 'DELETE /api-keys/:id', what: 'revoke own key', path: async (actor) => `/api/api-keys/${await f.freshKey(f.self(actor))}`, grid: EVERYONE },
    {
      route: 'DELETE /api-keys/:id',
      what: 'revoke key of own department’s developer',
      path: async () => `/api/api-keys/${await f.freshKey(f.ids.devA2)}`,
      grid: MANAGERS,
    },
    {
      route: 'DELETE /api-keys/:id',
      what: 'revoke key of other department’s developer',
      path: async () => `/api/api-keys/${await f.freshKey(f.ids.devB)}`,
      grid: ADMIN_ONLY,
    },
  ];
}
