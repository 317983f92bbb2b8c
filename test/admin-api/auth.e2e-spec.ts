import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { AdminApp, call, createAdminApp, loginAs, seedUser } from '../support/admin-app';
import { createTestDatabase, TEST_JWT_SECRET } from '@app/core/testing';

const login = (url: string, email: string, password: string) =>
  call<{ accessToken: string; expiresIn: number; message?: string }>(url, 'POST', '/api/auth/login', undefined, { email, password });

describe('admin API sign-in: JWT, no enumeration, throttling, sessions that end (real HTTP, real PostgreSQL)', () => {
  let admin: AdminApp;
  let db: DataSource;

  beforeAll(async () => {
    admin = await createAdminApp(await createTestDatabase(), { JWT_EXPIRES_SECONDS: '600' });
    db = admin.app.get(DataSource);
  });

  afterAll(() => admin?.close());

  it('answers {accessToken, expiresIn}; the JWT carries sub, its session, role and tokenVersion', async () => {
    const root = await seedUser(admin.app, { role: 'admin', email: 'Root@X.test', password: 'correct-horse' });
    const res = await login(admin.url, 'ROOT@x.test', 'correct-horse'); // email is case-insensitive
    expect(res.status).toBe(200);
    expect(res.body.expiresIn).toBe(600);
    const claims = new JwtService().verify<{ sub: string; sid: string; role: string; tokenVersion: number; exp: number; iat: number }>(res.body.accessToken, {
      secret: TEST_JWT_SECRET,
    });
    expect(claims).toMatchObject({ sub: root.user.id, sid: expect.stringMatching(/^[0-9a-f-]{36}$/), role: 'admin', tokenVersion: 0 });
    expect(claims.exp - claims.iat).toBe(600);
    const me = await call<{ id: string; email: string; role: string; permissions: string[] }>(admin.url, 'GET', '/api/me', res.body.accessToken);
    expect(me.body).toMatchObject({ id: root.user.id, email: 'root@x.test', role: 'admin' });
    expect(me.body.permissions).toContain('audit:read');
  });

  it('gives one answer for unknown email, wrong password, deactivated user and a user without a password', async () => {
    const alice = await seedUser(admin.app, { role: 'developer', password: 'alice-password' });
    const gone = await seedUser(admin.app, { role: 'developer', password: 'gone-password' });
    await db.query(`UPDATE users SET active = false WHERE id = $1`, [gone.user.id]);
    await db.query(`INSERT INTO users (email, name, role) VALUES ('keyonly@x.test', 'k', 'finance')`);
    const answers = await Promise.all([
      login(admin.url, 'nobody@x.test', 'alice-password'),
      login(admin.url, alice.email, 'wrong-password'),
      login(admin.url, gone.email, 'gone-password'),
      login(admin.url, 'keyonly@x.test', 'anything-at-all'),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid email or password' });
    }
  });

  it('takes about as long for an unknown email as for a wrong password (argon2 runs either way)', async () => {
    const bob = await seedUser(admin.app, { role: 'developer', password: 'bob-password' });
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      await login(admin.url, email, 'not-the-password');
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known = [await time(bob.email), await time(bob.email)];
    const unknown = [await time('nobody-1@x.test'), await time('nobody-2@x.test')];
    const fastest = (xs: number[]) => Math.min(...xs);
    expect(fastest(unknown)).toBeGreaterThan(fastest(known) * 0.3);
  });

  it('throttles guessing per account: after 5 failures the next try waits (429 with Retry-After), even with the right password', async () => {
    const carol = await seedUser(admin.app, { role: 'developer', password: 'carol-password' });
    for (let i = 0; i < 5; i++) expect((await login(admin.url, carol.email, `guess-${i}`)).status).toBe(401);
    const throttled = await login(admin.url, carol.email, 'carol-password');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(60); // a delay, never a lock-out
    expect(throttled.body.message).toMatch(/too many/i);
    // another account from the same address is not locked out by carol's attacker
    const dave = await seedUser(admin.app, { role: 'developer', password: 'dave-password' });
    expect((await login(admin.url, dave.email, 'dave-password')).status).toBe(200);
  });

  it('does not let a burst of parallel guesses slip past the limit', async () => {
    const erin = await seedUser(admin.app, { role: 'developer', password: 'erin-password' });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(admin.url, erin.email, `parallel-${i}`)));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it('forgives earlier failures after a successful sign-in', async () => {
    const frank = await seedUser(admin.app, { role: 'developer', password: 'frank-password' });
    for (let i = 0; i < 4; i++) await login(admin.url, frank.email, `typo-${i}`);
    expect((await login(admin.url, frank.email, 'frank-password')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(admin.url, frank.email, `typo-again-${i}`)).status).toBe(401);
  });

  it('records failed sign-ins in the audit log, without the password tried', async () => {
    await login(admin.url, 'audited@x.test', 'secret-guess-123');
    const root = await seedUser(admin.app, { role: 'admin' });
    const log = await call<{ items: Array<{ action: string; after: Record<string, unknown> }> }>(
      admin.url,
      'GET',
      '/api/audit-log?action=auth.login_failed&limit=500',
      root.token,
    );
    const entry = log.body.items.find((item) => item.after.email === 'audited@x.test');
    expect(entry).toBeDefined();
    expect(JSON.stringify(log.body)).not.toContain('secret-guess-123');
  });

  it('changes the password: wrong current password is a 400 naming it; older tokens die; the new one works', async () => {
    const gina = await seedUser(admin.app, { role: 'finance', password: 'first-password' });
    const wrong = await call(admin.url, 'POST', '/api/auth/password', gina.token, { currentPassword: 'not-it', newPassword: 'second-password' });
    expect(wrong.status).toBe(400);
    expect(String(wrong.body.message)).toContain('currentPassword');
    const short = await call(admin.url, 'POST', '/api/auth/password', gina.token, { currentPassword: 'first-password', newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body.message)).toContain('newPassword');
    expect(short.body.errors).toEqual([{ field: 'newPassword', code: 'weak_password' }]);
    const changed = await call<{ accessToken: string }>(admin.url, 'POST', '/api/auth/password', gina.token, {
      currentPassword: 'first-password',
      newPassword: 'Second-violet-meadow-2',
    });
    expect(changed.status).toBe(200);
    expect((await call(admin.url, 'GET', '/api/me', gina.token)).status).toBe(401);
    expect((await call(admin.url, 'GET', '/api/me', changed.body.accessToken)).status).toBe(200);
    expect((await login(admin.url, gina.email, 'first-password')).status).toBe(401);
    expect((await login(admin.url, gina.email, 'Second-violet-meadow-2')).status).toBe(200);
  });

  it('throttles guessing the current password with a stolen token', async () => {
    const hal = await seedUser(admin.app, { role: 'developer', password: 'hal-password' });
    for (let i = 0; i < 5; i++)
      expect(
        (await call(admin.url, 'POST', '/api/auth/password', hal.token, { currentPassword: `guess-${i}`, newPassword: 'Brand-new-lantern-41' })).status,
      ).toBe(400);
    expect(
      (await call(admin.url, 'POST', '/api/auth/password', hal.token, { currentPassword: 'hal-password', newPassword: 'Brand-new-lantern-41' })).status,
    ).toBe(429);
  });

  it('ends sessions within a second of deactivation, keeps them dead after reactivation, and applies role changes at once', async () => {
    const root = await seedUser(admin.app, { role: 'admin' });
    const ivan = await seedUser(admin.app, { role: 'developer' });
    expect((await call(admin.url, 'GET', '/api/me', ivan.token)).status).toBe(200);
    expect((await call(admin.url, 'DELETE', `/api/users/${ivan.user.id}`, root.token)).status).toBe(204);
    expect((await call(admin.url, 'GET', '/api/me', ivan.token)).status).toBe(401);
    expect((await login(admin.url, ivan.email, ivan.password)).status).toBe(401);
    expect((await call(admin.url, 'PATCH', `/api/users/${ivan.user.id}`, root.token, { active: true })).status).toBe(200);
    expect((await call(admin.url, 'GET', '/api/me', ivan.token)).status).toBe(401); // the old token stays dead
    expect(await loginAs(admin.url, ivan.email, ivan.password)).toBeTruthy();

    // deactivated behind the API's back (SQL by hand, another replica): the change feed, or at worst a 1 s cache, notices
    const judy = await seedUser(admin.app, { role: 'developer' });
    expect((await call(admin.url, 'GET', '/api/me', judy.token)).status).toBe(200);
    await db.query(`UPDATE users SET active = false WHERE id = $1`, [judy.user.id]);
    const deadline = Date.now() + 2000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await call(admin.url, 'GET', '/api/me', judy.token)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);

    // a demoted admin loses admin routes with the token they already hold
    const ken = await seedUser(admin.app, { role: 'admin' });
    expect((await call(admin.url, 'GET', '/api/audit-log', ken.token)).status).toBe(200);
    expect((await call(admin.url, 'PATCH', `/api/users/${ken.user.id}`, root.token, { role: 'finance' })).status).toBe(200);
    expect((await call(admin.url, 'GET', '/api/audit-log', ken.token)).status).toBe(403);
  });

  it('refuses expired, forged, unsigned and malformed tokens', async () => {
    const lena = await seedUser(admin.app, { role: 'admin' });
    const jwt = new JwtService();
    const expired = jwt.sign({ sub: lena.user.id, role: 'admin', tokenVersion: 0, exp: Math.floor(Date.now() / 1000) - 10 }, { secret: TEST_JWT_SECRET });
    const forged = jwt.sign({ sub: lena.user.id, role: 'admin', tokenVersion: 0 }, { secret: 'another-secret-another-secret-another-secret' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: lena.user.id, role: 'admin', tokenVersion: 0 })).toString('base64url');
    const wrongClaims = jwt.sign({ sub: 'not-a-uuid', role: 'admin', tokenVersion: 0 }, { secret: TEST_JWT_SECRET });
    const noVersion = jwt.sign({ sub: lena.user.id, role: 'admin' }, { secret: TEST_JWT_SECRET });
    for (const token of [expired, forged, `${header}.${payload}.`, wrongClaims, noVersion, 'garbage']) {
      const res = await call(admin.url, 'GET', '/api/me', token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
    expect((await call(admin.url, 'GET', '/api/me', lena.token)).status).toBe(200);
  });

  it('validates the login body like every other', async () => {
    expect((await call(admin.url, 'POST', '/api/auth/login', undefined, { email: 'not-an-email', password: 'x' })).status).toBe(400);
    const extra = await call(admin.url, 'POST', '/api/auth/login', undefined, { email: 'a@x.test', password: 'x', remember: true });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body.message)).toContain('remember');
  });
});
