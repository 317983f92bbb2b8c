import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { CliIo, runCli } from '../../apps/admin-api/src/cli';
import { AdminApp, call, createAdminApp, loginAs, seedDepartment, SeededUser, seedUser } from '../support/admin-app';
import { createTestDatabase, TEST_JWT_SECRET, testConfig } from '@app/core/testing';

type ErrorBody = { statusCode: number; message: string | string[]; errors?: Array<{ field: string; code: string }> };
const STRONG = 'Violet-harbour-lantern-93';
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A login with an `X-Forwarded-For` of our choosing (believed only when TRUST_PROXY says so). */
async function loginFrom(url: string, forwardedFor: string, email: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password }),
  });
  return {
    status: res.status,
    retryAfter: Number(res.headers.get('retry-after') ?? 0),
    body: (await res.json()) as { accessToken?: string; message?: string },
  };
}

describe('admin API hardening: roles that cannot lift their own limits, sessions, sign-in, cursors, headers (real HTTP, real PostgreSQL)', () => {
  let admin: AdminApp;
  let db: DataSource;
  let root: SeededUser;
  let lead: SeededUser;
  let deptA: string;
  const as = <T = ErrorBody>(token: string, method: string, path: string, body?: unknown) => call<T>(admin.url, method, path, token, body);

  beforeAll(async () => {
    admin = await createAdminApp(await createTestDatabase());
    db = admin.app.get(DataSource);
    deptA = await seedDepartment(admin.app, 'Hardening A');
    root = await seedUser(admin.app, { role: 'admin' });
    lead = await seedUser(admin.app, { role: 'team_lead', departmentId: deptA });
  }, 120_000);

  afterAll(() => admin?.close());

  describe('quotas: who sets what (issue 12 item 3)', () => {
    it('a team lead sets quotas on their own department’s developers only — never on themself, another team lead, admin or finance, nor the department (PUT and DELETE)', async () => {
      const dev = await seedUser(admin.app, { role: 'developer', departmentId: deptA });
      const otherLead = await seedUser(admin.app, { role: 'team_lead', departmentId: deptA });
      const adminInA = await seedUser(admin.app, { role: 'admin', departmentId: deptA });
      const financeInA = await seedUser(admin.app, { role: 'finance', departmentId: deptA });
      const put = (token: string, scope: string, subjectId: string, period = 'day') =>
        as(token, 'PUT', '/api/quotas', { scope, subjectId, period, maxTokens: 1000 });

      expect((await put(lead.token, 'user', dev.user.id)).status).toBe(200);
      for (const [scope, subjectId, why] of [
        ['department', deptA, 'scope'],
        ['user', lead.user.id, 'subjectId'],
        ['user', otherLead.user.id, 'subjectId'],
        ['user', adminInA.user.id, 'subjectId'],
        ['user', financeInA.user.id, 'subjectId'],
      ]) {
        const res = await put(lead.token, scope, subjectId);
        expect([scope, subjectId, res.status]).toEqual([scope, subjectId, 403]);
        expect(res.body.errors?.[0]?.field).toBe(why);
      }
      // what an admin set on the lead themself and on the department, the lead cannot remove
      const own = await as<{ id: string }>(root.token, 'PUT', '/api/quotas', { scope: 'user', subjectId: lead.user.id, period: 'day', maxRequests: 10 });
      const budget = await as<{ id: string }>(root.token, 'PUT', '/api/quotas', { scope: 'department', subjectId: deptA, period: 'month', maxRequests: 1000 });
      expect([own.status, budget.status]).toEqual([200, 200]);
      expect((await as(lead.token, 'DELETE', `/api/quotas/${own.body.id}`)).status).toBe(403);
      expect((await as(lead.token, 'DELETE', `/api/quotas/${budget.body.id}`)).status).toBe(403);
      const [left] = await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM quotas WHERE id IN ($1, $2)`, [own.body.id, budget.body.id]);
      expect(left.n).toBe(2);
      // the admin sets department budgets and any quota
      expect((await put(root.token, 'user', otherLead.user.id)).status).toBe(200);
      expect((await as(root.token, 'DELETE', `/api/quotas/${budget.body.id}`)).status).toBe(204);
    });
  });

  describe('users: a team lead manages their department’s developers only (item 4)', () => {
    it('cannot change another team lead’s password, email or anything, nor give any role but developer', async () => {
      const otherLead = await seedUser(admin.app, { role: 'team_lead', departmentId: deptA });
      for (const body of [{ password: STRONG }, { email: 'taken-over@x.test' }, { name: 'renamed' }, { active: false }]) {
        const res = await as(lead.token, 'PATCH', `/api/users/${otherLead.user.id}`, body);
        expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 403]);
      }
      expect((await as(lead.token, 'DELETE', `/api/users/${otherLead.user.id}`)).status).toBe(403);
      expect(await loginAs(admin.url, otherLead.email, otherLead.password)).toBeTruthy();

      const created = await as(lead.token, 'POST', '/api/users', { email: 'would-be-lead@x.test', name: 'w', departmentId: deptA, role: 'team_lead' });
      expect(created.status).toBe(403);
      expect(created.body.errors).toEqual([{ field: 'role', code: 'forbidden' }]);
      const dev = await seedUser(admin.app, { role: 'developer', departmentId: deptA });
      expect((await as(lead.token, 'PATCH', `/api/users/${dev.user.id}`, { role: 'team_lead' })).status).toBe(403);
      expect((await as(lead.token, 'POST', `/api/users/${otherLead.user.id}/api-keys`, {})).status).toBe(403);
    });

    it('cannot reactivate a user an admin deactivated (whose keys would work again), but can undo their own deactivation', async () => {
      const byAdmin = await seedUser(admin.app, { role: 'developer', departmentId: deptA });
      expect((await as(root.token, 'DELETE', `/api/users/${byAdmin.user.id}`)).status).toBe(204);
      const refused = await as(lead.token, 'PATCH', `/api/users/${byAdmin.user.id}`, { active: true });
      expect(refused.status).toBe(403);
      expect(refused.body.errors).toEqual([{ field: 'active', code: 'forbidden' }]);
      expect((await as<{ active: boolean }>(root.token, 'GET', `/api/users/${byAdmin.user.id}`)).body.active).toBe(false);
      const [row] = await db.query<Array<{ deactivated_by: string; deactivated_by_role: string }>>(
        `SELECT deactivated_by, deactivated_by_role FROM users WHERE id = $1`,
        [byAdmin.user.id],
      );
      expect(row).toEqual({ deactivated_by: root.user.id, deactivated_by_role: 'admin' });

      const byLead = await seedUser(admin.app, { role: 'developer', departmentId: deptA });
      expect((await as(lead.token, 'DELETE', `/api/users/${byLead.user.id}`)).status).toBe(204);
      expect((await as<{ active: boolean }>(lead.token, 'PATCH', `/api/users/${byLead.user.id}`, { active: true })).body.active).toBe(true);
      expect((await as(root.token, 'PATCH', `/api/users/${byAdmin.user.id}`, { active: true })).status).toBe(200);
    });
  });

  describe('own password and tokens (item 5)', () => {
    it('refuses a password in PATCH /api/users/<self>, naming the field: only POST /api/auth/password changes it', async () => {
      for (const who of [root, lead]) {
        const res = await as(who.token, 'PATCH', `/api/users/${who.user.id}`, { password: STRONG });
        expect(res.status).toBe(403);
        expect(res.body.errors).toEqual([{ field: 'password', code: 'use_password_change' }]);
        expect(String(res.body.message)).toContain('POST /api/auth/password');
        expect(await loginAs(admin.url, who.email, who.password)).toBeTruthy();
      }
    });

    it('refuses a JWT without exp, even one correctly signed for a live session', async () => {
      const user = await seedUser(admin.app, { role: 'admin' });
      const jwt = new JwtService();
      const claims = jwt.decode<Record<string, unknown>>(user.token);
      const { exp: _exp, iat: _iat, ...forever } = claims;
      const eternal = jwt.sign(forever, { secret: TEST_JWT_SECRET });
      expect(jwt.decode<Record<string, unknown>>(eternal).exp).toBeUndefined();
      expect((await call(admin.url, 'GET', '/api/me', eternal)).status).toBe(401);
      expect((await call(admin.url, 'GET', '/api/me', user.token)).status).toBe(200);
    });

    it('ends every session of the user on a password change', async () => {
      const user = await seedUser(admin.app, { role: 'developer', password: 'Original-pass-phrase-41' });
      const laptop = await loginAs(admin.url, user.email, user.password);
      const changed = await as<{ accessToken: string }>(user.token, 'POST', '/api/auth/password', { currentPassword: user.password, newPassword: STRONG });
      expect(changed.status).toBe(200);
      expect((await call(admin.url, 'GET', '/api/me', user.token)).status).toBe(401);
      expect((await call(admin.url, 'GET', '/api/me', laptop)).status).toBe(401);
      expect((await call(admin.url, 'GET', '/api/me', changed.body.accessToken)).status).toBe(200);
      const [row] = await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM admin_sessions WHERE user_id = $1 AND ended_at IS NULL`, [
        user.user.id,
      ]);
      expect(row.n).toBe(1);
    });
  });

  describe('sign-out (item 12)', () => {
    it('POST /api/auth/logout ends the current session only, at once, server-side', async () => {
      const user = await seedUser(admin.app, { role: 'finance' });
      const other = await loginAs(admin.url, user.email, user.password);
      const out = await call(admin.url, 'POST', '/api/auth/logout', user.token);
      expect(out.status).toBe(204);
      expect((await call(admin.url, 'GET', '/api/me', user.token)).status).toBe(401);
      expect((await call(admin.url, 'POST', '/api/auth/logout', user.token)).status).toBe(401);
      expect((await call(admin.url, 'GET', '/api/me', other)).status).toBe(200);
    });
  });

  describe('password policy: 12+ characters and zxcvbn ≥ 3 everywhere a password is set (item 6)', () => {
    it('refuses weak passwords on create user and password change, with {field, code: weak_password}', async () => {
      for (const password of ['short-pw', 'password1234', 'qwertyuiop12', 'hunter2hunter2']) {
        const res = await as(root.token, 'POST', '/api/users', { email: `weak-${password}@x.test`, name: 'w', role: 'finance', password });
        expect([password, res.status]).toEqual([password, 400]);
        expect(res.body.errors).toEqual([{ field: 'password', code: 'weak_password' }]);
      }
      const named = await as(root.token, 'POST', '/api/users', { email: 'zhangwei@x.test', name: 'Zhang Wei', role: 'finance', password: 'zhangwei2024!' });
      expect(named.status).toBe(400); // the user's own name and email count as guessable
      expect((await as(root.token, 'POST', '/api/users', { email: 'strong@x.test', name: 's', role: 'finance', password: STRONG })).status).toBe(201);

      const user = await seedUser(admin.app, { role: 'developer' });
      const change = await as(user.token, 'POST', '/api/auth/password', { currentPassword: user.password, newPassword: 'password1234' });
      expect(change.status).toBe(400);
      expect(change.body.errors).toEqual([{ field: 'newPassword', code: 'weak_password' }]);
    });
  });

  describe('cursors (item 11)', () => {
    it('answers 400 naming cursor, never 500, for a malformed but decodable cursor on every list', async () => {
      const cursors = [
        base64url({ t: 'garbage', id: 'x' }),
        base64url({ t: '2026-01-01T00:00:00Z', id: 'x' }),
        base64url({ id: '99999999999999999999999' }),
        base64url([1]),
        'not base64 !',
      ];
      const lists = [
        '/api/usage/events',
        '/api/me/usage/events',
        '/api/users',
        '/api/departments',
        '/api/providers',
        '/api/models',
        `/api/users/${root.user.id}/api-keys`,
        '/api/audit-log',
        '/api/quotas',
      ];
      const wrong: string[] = [];
      for (const path of lists) {
        for (const cursor of cursors) {
          const res = await as(root.token, 'GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
          if (res.status !== 400 && !(res.status === 200 && path === '/api/quotas')) wrong.push(`${path} ${cursor}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
      // a sort key of the wrong type for a list sorted by time (API keys: newest first)
      const keys = await as(
        root.token,
        'GET',
        `/api/users/${root.user.id}/api-keys?cursor=${base64url({ s: 'garbage', id: '00000000-0000-4000-8000-000000000000' })}`,
      );
      if (keys.status !== 400) wrong.push(`api-keys with a text sort key: ${keys.status}`);
      expect(wrong).toEqual([]);
      const events = await as(root.token, 'GET', `/api/usage/events?cursor=${base64url({ t: 'garbage', id: 'x' })}`);
      expect(events.body.errors).toEqual([{ field: 'cursor', code: 'invalid_cursor' }]);
    });
  });

  describe('errors name their fields machine-readably', () => {
    it('answers {message, errors: [{field, code}]} for unknown fields, bad values and nested ones', async () => {
      const unknown = await as(root.token, 'POST', '/api/departments', { name: 'x', colour: 'red' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ field: 'colour', code: 'whitelistValidation' }]);
      const bad = await as(root.token, 'POST', '/api/users', { email: 'not-an-email', name: 'b', role: 'emperor' });
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'email', code: 'isEmail' },
          { field: 'role', code: 'isIn' },
        ]),
      );
      const missing = await as(root.token, 'POST', '/api/users', { email: 'nodept@x.test', name: 'n', role: 'developer' });
      expect(missing.body.errors).toEqual([{ field: 'departmentId', code: 'invalid' }]);
      const dup = await as(root.token, 'POST', '/api/departments', { name: 'Hardening A' });
      expect(dup.status).toBe(409);
      expect(dup.body.errors).toEqual([{ field: 'name', code: 'conflict' }]);
    });
  });

  describe('headers (item 12)', () => {
    it('forbids framing on every answer and sends HSTS only over TLS', async () => {
      for (const path of ['/api/me', '/api/auth/login', '/api/docs', '/healthz']) {
        const res = await fetch(`${admin.url}${path}`, { headers: { authorization: `Bearer ${root.token}`, 'x-forwarded-proto': 'https' } });
        expect([path, res.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('strict-transport-security')).toBeNull(); // X-Forwarded-Proto from an untrusted peer
      }
    });
  });
});

describe('password policy outside HTTP (item 6)', () => {
  // Its own describe: an app that fails to start must not live beside another app in this process.
  it('refuses a weak password in the CLI and a weak ADMIN_PASSWORD at start, in one line without the value', async () => {
    const url = await createTestDatabase();
    const errors: string[] = [];
    const io: CliIo = { out: () => undefined, err: (line) => errors.push(line), readStdin: () => Promise.resolve('') };
    expect(await runCli(testConfig(url), ['create-admin', '--email', 'ops@x.test', '--password', 'password1234'], io)).toBe(2);
    expect(errors[0]).toMatch(/^--password: /);
    let failure: Error | undefined;
    await createAdminApp(url, { ADMIN_EMAIL: 'first@x.test', ADMIN_PASSWORD: 'password1234' }).then(
      (app) => app.close(),
      (error: unknown) => (failure = error as Error),
    );
    expect(failure?.message).toMatch(/^ADMIN_PASSWORD: /);
    expect(failure?.message).not.toContain('password1234');
    expect(failure?.message.split('\n')).toHaveLength(1);
  });
});

describe('sign-in throttling behind proxies (item 6)', () => {
  it('counts per account whatever X-Forwarded-For says when no proxy is trusted', async () => {
    const app = await createAdminApp(await createTestDatabase());
    try {
      const victim = await seedUser(app.app, { role: 'admin' });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await loginFrom(app.url, `203.0.113.${i}`, victim.email, `guess-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    } finally {
      await app.close();
    }
  });

  it('with TRUST_PROXY: caps failures per client address over all accounts (spraying), other addresses unaffected', async () => {
    const app = await createAdminApp(await createTestDatabase(), { TRUST_PROXY: 'loopback' });
    try {
      const bystander = await seedUser(app.app, { role: 'developer' });
      const sprayed = await Promise.all(Array.from({ length: 100 }, (_, i) => loginFrom(app.url, '203.0.113.66', `victim-${i}@x.test`, 'Summer2026!')));
      expect(sprayed.every((res) => res.status === 401)).toBe(true);
      const capped = await loginFrom(app.url, '203.0.113.66', 'one-more@x.test', 'Summer2026!');
      expect(capped.status).toBe(429);
      expect(capped.retryAfter).toBeGreaterThan(800); // until the oldest failure leaves the 15-minute window
      expect((await loginFrom(app.url, '203.0.113.66', bystander.email, bystander.password)).status).toBe(429);
      expect((await loginFrom(app.url, '198.51.100.20', bystander.email, bystander.password)).status).toBe(200);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('with TRUST_PROXY: a growing per-account delay that rotating addresses do not reset; the owner still signs in from their address; HSTS over TLS', async () => {
    const app = await createAdminApp(await createTestDatabase(), { TRUST_PROXY: 'loopback' });
    try {
      const owner = await seedUser(app.app, { role: 'admin' });
      expect((await loginFrom(app.url, '198.51.100.7', owner.email, owner.password)).status).toBe(200);
      const guesses: Array<Awaited<ReturnType<typeof loginFrom>>> = [];
      for (let i = 0; i < 7; i++) guesses.push(await loginFrom(app.url, `203.0.113.${i}`, owner.email, `guess-${i}`));
      expect(guesses.map((g) => g.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expect(guesses[5].retryAfter).toBeGreaterThanOrEqual(1);
      expect(guesses[5].retryAfter).toBeLessThanOrEqual(60);
      // the right password from the guesser's side waits like a guess; the owner's known address is not held up
      expect((await loginFrom(app.url, '203.0.113.99', owner.email, owner.password)).status).toBe(429);
      expect((await loginFrom(app.url, '198.51.100.7', owner.email, owner.password)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, guesses[6].retryAfter * 1000 + 100));
      expect((await loginFrom(app.url, '203.0.113.50', owner.email, 'one-more-guess')).status).toBe(401); // checked again after the delay...
      const next = await loginFrom(app.url, '203.0.113.51', owner.email, 'and-another');
      expect(next.status).toBe(429); // ...and the delay has grown
      expect(next.retryAfter).toBeGreaterThanOrEqual(2);

      const tls = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${owner.token}`, 'x-forwarded-proto': 'https' } });
      expect(tls.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      const plain = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${owner.token}` } });
      expect(plain.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await app.close();
    }
  });
});
