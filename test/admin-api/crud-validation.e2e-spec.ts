import { DataSource } from 'typeorm';
import { AdminApp, call, createAdminApp, seedDepartment, SeededUser, seedUser } from '../support/admin-app';
import { createTestDatabase } from '@app/core/testing';

type Body = { message?: string | string[]; [field: string]: unknown };
const MISSING = '00000000-0000-4000-8000-000000000000';
const text = (body: Body) => JSON.stringify(body.message);

describe('admin API CRUD and validation (real HTTP, real PostgreSQL)', () => {
  let admin: AdminApp;
  let root: SeededUser;
  let db: DataSource;
  let providerId: string;
  const as = <T = Body>(method: string, path: string, body?: unknown) => call<T>(admin.url, method, path, root.token, body);

  beforeAll(async () => {
    admin = await createAdminApp(await createTestDatabase());
    db = admin.app.get(DataSource);
    root = await seedUser(admin.app, { role: 'admin' });
    providerId = (await as<{ id: string }>('POST', '/api/providers', { name: 'upstream', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-x' }))
      .body.id;
  });

  afterAll(() => admin?.close());

  describe('validation at the edge', () => {
    it.each([
      ['POST', '/api/departments', { name: 'x', colour: 'red' }, 'colour'],
      ['POST', '/api/users', { email: 'a@x.test', name: 'a', role: 'admin', isRoot: true }, 'isRoot'],
      ['POST', '/api/providers', { name: 'p', kind: 'openai', baseUrl: 'https://x.test/v1', apiKey: 'k', region: 'x' }, 'region'],
      ['POST', '/api/models', { name: 'm', providerId: MISSING, inputPrice: 1, outputPrice: 1, currency: 'USD', discount: 5 }, 'discount'],
      ['POST', `/api/users/${MISSING}/api-keys`, { name: 'k', scopes: ['all'] }, 'scopes'],
      ['PATCH', `/api/departments/${MISSING}`, { budget: 1 }, 'budget'],
    ])('%s %s rejects an unknown field with 400 naming it', async (method, path, body, field) => {
      const res = await as(method, path, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(text(res.body)).toContain(`property ${field} should not exist`);
    });

    it.each([
      ['POST', '/api/users', { email: 'b@x.test', name: 'b', role: 'emperor' }, 'role must be one of'],
      ['POST', '/api/users', { email: 'not-an-email', name: 'b', role: 'developer' }, 'email must be an email'],
      ['POST', '/api/users', { email: 'c@x.test', name: 'c', role: 'developer', departmentId: 'dept-1' }, 'departmentId must be a UUID'],
      ['POST', '/api/users', { email: 'd@x.test', name: 'd', role: 'finance', password: 'short' }, 'password must be at least 12 characters'],
      ['POST', '/api/providers', { name: 'p', kind: 'bedrock', baseUrl: 'https://x.test', apiKey: 'k' }, 'kind must be one of'],
      ['POST', '/api/providers', { name: 'p', kind: 'openai', baseUrl: 'ftp://x.test', apiKey: 'k' }, 'baseUrl must be an http(s) URL'],
      ['POST', '/api/providers', { name: 'p', kind: 'openai', baseUrl: 'not a url', apiKey: 'k' }, 'baseUrl must be an http(s) URL'],
      ['POST', '/api/providers', { name: 'p', kind: 'openai', baseUrl: 'https://x.test/v1' }, 'apiKey: required for a provider of kind openai'],
      [
        'POST',
        '/api/models',
        { name: 'm', providerId: MISSING, inputPrice: '-1', outputPrice: '1', currency: 'USD' },
        'inputPrice must be a non-negative decimal',
      ],
      [
        'POST',
        '/api/models',
        { name: 'm', providerId: MISSING, inputPrice: '1e3', outputPrice: '1', currency: 'USD' },
        'inputPrice must be a non-negative decimal',
      ],
      ['POST', '/api/models', { name: 'm', providerId: MISSING, inputPrice: '1', outputPrice: '1', currency: 'EUR' }, 'currency must be one of'],
      [
        'POST',
        '/api/models',
        {
          name: 'm',
          providerId: MISSING,
          inputPrice: '1',
          outputPrice: '1',
          currency: 'USD',
          priceTiers: [{ minPromptTokens: 1, inputPrice: '1', outputPrice: '1', bonus: 1 }],
        },
        'priceTiers.0.property bonus should not exist',
      ],
      ['POST', '/api/departments', { name: '' }, 'name must be longer'],
      ['POST', '/api/departments', { name: 'x', allowedModels: 'qwen-plus' }, 'allowedModels must be an array'],
      ['POST', `/api/users/${MISSING}/api-keys`, { expiresAt: 'tomorrow' }, 'expiresAt must be a valid ISO 8601'],
      ['GET', '/api/users?limit=0', undefined, 'limit must not be less than 1'],
      ['GET', '/api/users?limit=501', undefined, 'limit must not be greater than 500'],
      ['GET', '/api/users?departmentId=x', undefined, 'departmentId must be a UUID'],
      ['GET', '/api/audit-log?actorId=x', undefined, 'actorId must be a UUID'],
    ])('%s %s names the bad value (%#)', async (method, path, body, message) => {
      const res = await as(method, path, body);
      expect(res.status).toBe(400);
      expect(text(res.body)).toContain(message);
    });

    it('names a malformed path parameter, and answers 404 for a well-formed one that does not exist', async () => {
      const bad = await as('GET', '/api/users/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('id: must be a UUID');
      expect(bad.body.errors).toEqual([{ field: 'id', code: 'isUuid' }]);
      for (const path of [`/api/users/${MISSING}`, `/api/departments/${MISSING}`, `/api/providers/${MISSING}`, `/api/models/${MISSING}`]) {
        const res = await as('GET', path);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringContaining(MISSING) });
      }
      expect((await as('PATCH', `/api/models/${MISSING}`, { inputPrice: '1' })).status).toBe(404);
      expect((await as('DELETE', `/api/providers/${MISSING}`)).status).toBe(404);
      expect((await as('DELETE', `/api/users/${MISSING}`)).status).toBe(404);
      expect((await as('POST', `/api/users/${MISSING}/api-keys`, {})).status).toBe(404);
    });

    it('takes JSON only, and says so', async () => {
      const form = await fetch(`${admin.url}/api/departments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${root.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=x',
      });
      expect(form.status).toBe(415);
      const broken = await fetch(`${admin.url}/api/departments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${root.token}`, 'content-type': 'application/json' },
        body: '{"name": ',
      });
      expect(broken.status).toBe(400);
      expect(await broken.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });
  });

  describe('departments', () => {
    it('creates, reads, renames, narrows models and deletes; 409 for a duplicate name in any case', async () => {
      const created = await as<{ id: string; name: string; allowedModels: null }>('POST', '/api/departments', { name: '  研发部 ' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: '研发部', allowedModels: null });
      const dup = await as('POST', '/api/departments', { name: '研发部' });
      expect(dup.status).toBe(409);
      expect(dup.body.message).toContain('name');
      await as('POST', '/api/departments', { name: 'Sales' });
      expect((await as('POST', '/api/departments', { name: 'SALES' })).status).toBe(409);
      expect((await as('PATCH', `/api/departments/${created.body.id}`, { name: 'sales' })).status).toBe(409);
      const narrowed = await as('PATCH', `/api/departments/${created.body.id}`, { allowedModels: ['qwen-plus', 'qwen-max'] });
      expect(narrowed.body.allowedModels).toEqual(['qwen-plus', 'qwen-max']);
      expect((await as('PATCH', `/api/departments/${created.body.id}`, { allowedModels: null })).body.allowedModels).toBeNull();
      expect((await as('DELETE', `/api/departments/${created.body.id}`)).status).toBe(204);
      expect((await as('GET', `/api/departments/${created.body.id}`)).status).toBe(404);
    });

    it('refuses to delete a department that still has users (even deactivated ones): 409', async () => {
      const departmentId = await seedDepartment(admin.app);
      const dev = await seedUser(admin.app, { role: 'developer', departmentId });
      await as('DELETE', `/api/users/${dev.user.id}`);
      const res = await as('DELETE', `/api/departments/${departmentId}`);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/still has 1 user/);
    });
  });

  describe('users', () => {
    it('creates with a lower-cased unique email; 409 for a duplicate in any case; the password never comes back', async () => {
      const departmentId = await seedDepartment(admin.app);
      const created = await as<Body & { id: string }>('POST', '/api/users', {
        email: 'Mei@Example.TEST',
        name: 'Mei',
        departmentId,
        role: 'developer',
        password: 'a-long-password',
        allowedModels: ['qwen-plus'],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email: 'mei@example.test', role: 'developer', departmentId, allowedModels: ['qwen-plus'], active: true });
      expect(JSON.stringify(created.body)).not.toMatch(/password|Hash/i);
      const dup = await as('POST', '/api/users', { email: 'MEI@example.test', name: 'Other', departmentId, role: 'developer' });
      expect(dup.status).toBe(409);
      expect(dup.body.message).toContain('email');
      const [row] = await db.query<Array<{ password_hash: string }>>(`SELECT password_hash FROM users WHERE id = $1`, [created.body.id]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('keeps a person’s models inside the department’s list (400 naming allowedModels and the model)', async () => {
      const departmentId = (await as<{ id: string }>('POST', '/api/departments', { name: 'Narrow', allowedModels: ['qwen-plus', 'qwen-max'] })).body.id;
      const outside = await as('POST', '/api/users', {
        email: 'narrow@x.test',
        name: 'n',
        role: 'developer',
        departmentId,
        allowedModels: ['qwen-plus', 'gpt-x'],
      });
      expect(outside.status).toBe(400);
      expect(outside.body.message).toBe('allowedModels: gpt-x not allowed in the department (it allows qwen-plus, qwen-max)');
      expect(outside.body.errors).toEqual([{ field: 'allowedModels', code: 'outside_department' }]);
      const inside = await as<Body & { id: string }>('POST', '/api/users', {
        email: 'narrow@x.test',
        name: 'n',
        role: 'developer',
        departmentId,
        allowedModels: ['qwen-max'],
      });
      expect(inside.status).toBe(201);
      const widened = await as('PATCH', `/api/users/${inside.body.id}`, { allowedModels: ['qwen-max', 'gpt-x'] });
      expect(widened.status).toBe(400);
      expect(widened.body.errors).toEqual([{ field: 'allowedModels', code: 'outside_department' }]);
      expect((await as('PATCH', `/api/users/${inside.body.id}`, { allowedModels: null })).status).toBe(200);
    });

    it('needs an existing department for developers and team leads (400 naming departmentId)', async () => {
      const none = await as('POST', '/api/users', { email: 'nodept@x.test', name: 'n', role: 'developer' });
      expect(none.status).toBe(400);
      expect(none.body.message).toContain('departmentId');
      const missing = await as('POST', '/api/users', { email: 'nodept@x.test', name: 'n', role: 'team_lead', departmentId: MISSING });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toBe(`departmentId: department ${MISSING} does not exist`);
      expect((await as('POST', '/api/users', { email: 'fin@x.test', name: 'f', role: 'finance' })).status).toBe(201);
    });

    it('deactivates on DELETE, keeping the user and their keys’ history; PATCH reactivates', async () => {
      const dev = await seedUser(admin.app, { role: 'developer' });
      await as('POST', `/api/users/${dev.user.id}/api-keys`, { name: 'laptop' });
      expect((await as('DELETE', `/api/users/${dev.user.id}`)).status).toBe(204);
      expect((await as('DELETE', `/api/users/${dev.user.id}`)).status).toBe(204); // idempotent
      expect((await as('GET', `/api/users/${dev.user.id}`)).body).toMatchObject({ id: dev.user.id, active: false });
      expect((await as<{ items: unknown[] }>('GET', `/api/users/${dev.user.id}/api-keys`)).body.items).toHaveLength(1);
      const inactive = await as<{ items: Array<{ id: string }> }>('GET', `/api/users?active=false&departmentId=${dev.user.departmentId}`);
      expect(inactive.body.items.map((u) => u.id)).toEqual([dev.user.id]);
      const mint = await as('POST', `/api/users/${dev.user.id}/api-keys`, {});
      expect(mint.status).toBe(400);
      expect((await as('PATCH', `/api/users/${dev.user.id}`, { active: true })).body).toMatchObject({ active: true });
    });

    it('changes role and department within the rules; a password set by an admin ends the user’s sessions', async () => {
      const dev = await seedUser(admin.app, { role: 'developer' });
      const other = await seedDepartment(admin.app);
      expect((await as('PATCH', `/api/users/${dev.user.id}`, { role: 'team_lead', departmentId: other })).body).toMatchObject({
        role: 'team_lead',
        departmentId: other,
      });
      expect((await as('PATCH', `/api/users/${dev.user.id}`, { departmentId: null })).status).toBe(400); // a team lead needs a department
      expect((await as('PATCH', `/api/users/${dev.user.id}`, { role: 'finance', departmentId: null })).body).toMatchObject({
        role: 'finance',
        departmentId: null,
      });
      expect((await call(admin.url, 'GET', '/api/me', dev.token)).status).toBe(200);
      expect((await as('PATCH', `/api/users/${dev.user.id}`, { password: 'reset-by-admin' })).status).toBe(200);
      expect((await call(admin.url, 'GET', '/api/me', dev.token)).status).toBe(401);
    });

    it('pages through users with a cursor: no duplicates, nothing missed, stable under equal prefixes', async () => {
      const departmentId = await seedDepartment(admin.app);
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push((await seedUser(admin.app, { role: 'developer', departmentId, email: `page-${i % 2}-${i}@x.test` })).user.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await as(
          'GET',
          `/api/users?departmentId=${departmentId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.items.map((u) => u.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(made.sort());
      expect((await as('GET', '/api/users?cursor=garbage!')).status).toBe(400);
    });
  });

  describe('models and prices', () => {
    it('stores prices exactly (NUMERIC) from numbers or strings and returns decimal strings', async () => {
      const created = await as<Body & { id: string }>('POST', '/api/models', {
        name: 'qwen-exact',
        providerId,
        upstreamModel: 'qwen-plus-2025',
        inputPrice: 0.8,
        outputPrice: '2.000000000123',
        cachedInputPrice: '0.16',
        currency: 'CNY',
        priceTiers: [
          { minPromptTokens: 128000, inputPrice: '2.4', outputPrice: 9.6 },
          { minPromptTokens: 32000, inputPrice: 1.2, outputPrice: '4.8', cachedInputPrice: '0.24' },
        ],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        inputPrice: '0.8',
        outputPrice: '2.000000000123',
        cachedInputPrice: '0.16',
        currency: 'CNY',
        upstreamModel: 'qwen-plus-2025',
      });
      expect((created.body.priceTiers as Array<{ minPromptTokens: number }>).map((t) => t.minPromptTokens)).toEqual([32000, 128000]);
      const [row] = await db.query<Array<{ i: string; o: string }>>(`SELECT input_price::text AS i, output_price::text AS o FROM models WHERE id = $1`, [
        created.body.id,
      ]);
      expect(row).toEqual({ i: '0.8', o: '2.000000000123' });
      expect((await as('PATCH', `/api/models/${created.body.id}`, { outputPrice: 3, cachedInputPrice: null })).body).toMatchObject({
        outputPrice: '3',
        cachedInputPrice: null,
      });
    });

    it('names a provider that does not exist (400) and a duplicate model name (409)', async () => {
      const missing = await as('POST', '/api/models', { name: 'orphan', providerId: MISSING, inputPrice: '1', outputPrice: '1', currency: 'USD' });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toBe(`providerId: provider ${MISSING} does not exist`);
      await as('POST', '/api/models', { name: 'twin', providerId, inputPrice: '1', outputPrice: '1', currency: 'USD' });
      const dup = await as('POST', '/api/models', { name: 'twin', providerId, inputPrice: '1', outputPrice: '1', currency: 'USD' });
      expect(dup.status).toBe(409);
      expect(dup.body.message).toContain('name');
      const tiers = await as('POST', '/api/models', {
        name: 'tiers',
        providerId,
        inputPrice: '1',
        outputPrice: '1',
        currency: 'USD',
        priceTiers: [
          { minPromptTokens: 5, inputPrice: '1', outputPrice: '1' },
          { minPromptTokens: 5, inputPrice: '2', outputPrice: '2' },
        ],
      });
      expect(tiers.status).toBe(400);
      expect(tiers.body.message).toContain('priceTiers.1.minPromptTokens');
    });

    it('refuses to delete a provider that still serves models (409), and lists page by name', async () => {
      const res = await as('DELETE', `/api/providers/${providerId}`);
      expect(res.status).toBe(409);
      await as('POST', '/api/models', { name: 'zeta', providerId, inputPrice: '1', outputPrice: '1', currency: 'USD' });
      const page = await as<{ items: Array<{ name: string }>; nextCursor: string | null }>('GET', '/api/models?limit=2');
      expect(page.body.items).toHaveLength(2);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const next = await as<{ items: Array<{ name: string }> }>('GET', `/api/models?limit=2&cursor=${page.body.nextCursor}`);
      expect(next.body.items[0].name > page.body.items[1].name).toBe(true);
    });
  });

  describe('errors', () => {
    it('never answers with a stack trace; a 500 carries an error id', async () => {
      const res = await as('GET', '/api/users?cursor=' + Buffer.from(JSON.stringify({ s: 1, id: 'x' })).toString('base64url'));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat \w+ \(|node_modules/);
    });
  });
});
