import type { Case, MatrixFixtures } from './permission-matrix.cases';
import { ADMIN_ONLY, EVERYONE, MANAGERS, ORG_READERS, READERS } from './permission-matrix.cases';

/** Matrix rows: providers and accounts, models, balances and polling, quotas, usage and reports, the audit log. */
export function resourceCases(f: MatrixFixtures): Case[] {
  return [
    // ── providers, models ───────────────────────────────────────────────────────────────────
    { route: 'GET /providers', what: 'list', path: () => '/api/providers', grid: ORG_READERS },
    { route: 'GET /providers/:id', what: 'one', path: () => `/api/providers/${f.ids.provider}`, grid: ORG_READERS },
    {
      route: 'POST /providers',
      what: 'create',
      path: () => '/api/providers',
      body: () => ({ name: `p-${f.unique()}`, kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk' }),
      grid: ADMIN_ONLY,
    },
    { route: 'PATCH /providers/:id', what: 'change', path: () => `/api/providers/${f.ids.provider}`, body: () => ({ enabled: true }), grid: ADMIN_ONLY },
    { route: 'DELETE /providers/:id', what: 'delete an unused one', path: async () => `/api/providers/${await f.freshProvider()}`, grid: ADMIN_ONLY },
    { route: 'GET /providers/:id/accounts', what: 'list accounts', path: () => `/api/providers/${f.ids.provider}/accounts`, grid: ORG_READERS },
    {
      route: 'POST /providers/:id/accounts',
      what: 'add an account',
      path: () => `/api/providers/${f.ids.provider}/accounts`,
      body: () => ({ name: `a-${f.unique()}`, apiKey: 'sk-account' }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'GET /providers/:id/accounts/:accountId',
      what: 'one account',
      path: () => `/api/providers/${f.ids.provider}/accounts/${f.ids.account}`,
      grid: ORG_READERS,
    },
    {
      route: 'PATCH /providers/:id/accounts/:accountId',
      what: 'change weight',
      path: () => `/api/providers/${f.ids.provider}/accounts/${f.ids.account}`,
      body: () => ({ weight: 2 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /providers/:id/accounts/:accountId',
      what: 'delete an unused one',
      path: async () => `/api/providers/${f.ids.provider}/accounts/${await f.freshAccount()}`,
      grid: ADMIN_ONLY,
    },
    { route: 'GET /models', what: 'list', path: () => '/api/models', grid: EVERYONE },
    { route: 'GET /models/:id', what: 'one', path: () => `/api/models/${f.ids.model}`, grid: EVERYONE },
    {
      route: 'POST /models',
      what: 'create',
      path: () => '/api/models',
      body: () => ({ name: `m-${f.unique()}`, providerId: f.ids.provider, inputPrice: '1', outputPrice: 2, currency: 'CNY' }),
      grid: ADMIN_ONLY,
    },
    { route: 'PATCH /models/:id', what: 'change a price', path: () => `/api/models/${f.ids.model}`, body: () => ({ inputPrice: '1.5' }), grid: ADMIN_ONLY },
    { route: 'DELETE /models/:id', what: 'delete', path: async () => `/api/models/${await f.freshModel()}`, grid: ADMIN_ONLY },
    // ── provider balances and polling ───────────────────────────────────────────────────────
    { route: 'GET /providers/quota', what: 'latest snapshots', path: () => '/api/providers/quota', grid: READERS },
    { route: 'POST /providers/:id/poll', what: 'poll now', path: () => `/api/providers/${f.ids.provider}/poll`, grid: ORG_READERS },
    {
      route: 'GET /providers/:id/reconciliation',
      what: 'reconciliation',
      path: () => `/api/providers/${f.ids.provider}/reconciliation?from=2026-01-01&to=2026-01-02`,
      grid: ORG_READERS,
    },
    // ── quotas ──────────────────────────────────────────────────────────────────────────────
    { route: 'GET /quotas', what: 'list', path: () => '/api/quotas', grid: READERS },
    {
      route: 'PUT /quotas',
      what: 'own department’s developer',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: f.ids.devA2, period: 'day', maxTokens: 1000 }),
      grid: MANAGERS,
    },
    {
      route: 'PUT /quotas',
      what: 'own department (its budget)',
      path: () => '/api/quotas',
      body: () => ({ scope: 'department', subjectId: f.ids.deptA, period: 'month', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'self',
      path: () => '/api/quotas',
      body: (actor) => ({ scope: 'user', subjectId: f.self(actor), period: 'week', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'another team lead of own department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: f.ids.leadA2, period: 'day', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'an admin of own department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: f.ids.adminA, period: 'day', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'a finance user of own department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: f.ids.financeA, period: 'day', maxRequests: 1000 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'other department',
      path: () => '/api/quotas',
      body: () => ({ scope: 'department', subjectId: f.ids.deptB, period: 'day', maxRequests: 5 }),
      grid: ADMIN_ONLY,
    },
    {
      route: 'PUT /quotas',
      what: 'other department’s developer',
      path: () => '/api/quotas',
      body: () => ({ scope: 'user', subjectId: f.ids.devB, period: 'day', maxRequests: 5 }),
      grid: ADMIN_ONLY,
    },
    { route: 'GET /quotas/status', what: 'own department', path: () => `/api/quotas/status?scope=department&subjectId=${f.ids.deptA}`, grid: READERS },
    { route: 'GET /quotas/status', what: 'other department', path: () => `/api/quotas/status?scope=department&subjectId=${f.ids.deptB}`, grid: ORG_READERS },
    {
      route: 'DELETE /quotas/:id',
      what: 'own department’s developer’s',
      path: async () => `/api/quotas/${await f.freshQuota('user', await f.freshUser(f.ids.deptA))}`,
      grid: MANAGERS,
    },
    {
      route: 'DELETE /quotas/:id',
      what: 'own department’s budget',
      path: async () => `/api/quotas/${await f.freshQuota('department', f.ids.deptA)}`,
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /quotas/:id',
      what: 'the team lead’s own',
      path: async () => `/api/quotas/${await f.freshQuota('user', f.who.lead.user.id)}`,
      grid: ADMIN_ONLY,
    },
    {
      route: 'DELETE /quotas/:id',
      what: 'other department’s',
      path: async () => `/api/quotas/${await f.freshQuota('department', f.ids.deptB)}`,
      grid: ADMIN_ONLY,
    },
    // ── usage and reports ───────────────────────────────────────────────────────────────────
    { route: 'GET /usage/events', what: 'events (team lead: own department)', path: () => '/api/usage/events', grid: READERS },
    { route: 'GET /usage/events', what: 'events of other department', path: () => `/api/usage/events?departmentId=${f.ids.deptB}`, grid: ORG_READERS },
    { route: 'GET /usage/summary', what: 'top users', path: () => '/api/usage/summary?range=7d&groupBy=user', grid: READERS },
    {
      route: 'GET /usage/summary',
      what: 'summary of other department',
      path: () => `/api/usage/summary?range=7d&groupBy=user&departmentId=${f.ids.deptB}`,
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
}
