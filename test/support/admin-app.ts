import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Environment, Role } from '@app/core';
import { createAdminApp as buildAdminApp } from '../../apps/admin-api/src/admin-app';
import { Seed } from './seed';
import { createTestDatabase, testConfig } from '@app/core/testing';

/** Environment overrides, as strings, the way they arrive in `process.env`. */
export type EnvOverrides = Partial<Record<keyof Environment, string>>;

export interface AdminApp {
  app: INestApplication;
  /** Listening base URL, e.g. `http://127.0.0.1:41234` (routes are under `/api`). */
  url: string;
  close(): Promise<void>;
  /** `call()` bound to this app's URL: JSON call with an optional bearer token. */
  call<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** `loginAs()` bound to this app's URL. */
  login(email: string, password: string): Promise<string>;
}

/**
 * The real admin API — the same module, global pipe, guards, filter, prefix and OpenAPI set-up
 * as production (`apps/admin-api/src/admin-app.ts`) — on a free loopback port, for a test
 * database from `createTestDatabase()`. Secrets are fixed test values; logs are silent
 * (pass `{ LOG_LEVEL: 'debug' }` to see them).
 */
export async function createAdminApp(databaseUrl: string, overrides: EnvOverrides = {}, logger?: Logger): Promise<AdminApp> {
  const env = Object.fromEntries(Object.entries(overrides).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const config = testConfig(databaseUrl, env);
  const app = await buildAdminApp(config, databaseUrl, logger ?? pino({ level: env.LOG_LEVEL ?? 'silent' }));
  await app.listen(0, '127.0.0.1');
  const url = baseUrlOf(app);
  return {
    app,
    url,
    close: () => app.close(),
    call: (method, path, token, body) => call(url, method, path, token, body),
    login: (email, password) => loginAs(url, email, password),
  };
}

export function baseUrlOf(app: INestApplication): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** One JSON call against a running app; the body is parsed when it is JSON. */
export async function call<T = Record<string, unknown>>(url: string, method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse<T>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (CSV, HTML): the text as it is
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Signs in over HTTP and returns the bearer token; throws with the answer when it fails. */
export async function loginAs(url: string, email: string, password: string): Promise<string> {
  const res = await call<{ accessToken: string }>(url, 'POST', '/api/auth/login', undefined, { email, password });
  if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

export interface SeededUser {
  user: { id: string; email: string; name: string; role: Role; departmentId: string | null };
  email: string;
  password: string;
  /** A bearer token for this user, from the real login route. */
  token: string;
}

export interface SeedUserOptions {
  role: Role;
  /** Omitted: a fresh department for developers and team leads, none for admin and finance. `null`: none. */
  departmentId?: string | null;
  email?: string;
  name?: string;
  password?: string;
  allowedModels?: string[] | null;
}

/**
 * Inserts a user straight into the app's database (no audit entry, no permission check), then
 * signs them in over HTTP. For setting the scene; test the users API itself through HTTP.
 */
export async function seedUser(app: INestApplication, options: SeedUserOptions): Promise<SeededUser> {
  const dataSource = app.get(DataSource);
  const suffix = randomBytes(5).toString('hex');
  const email = (options.email ?? `${options.role}-${suffix}@example.test`).toLowerCase();
  const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const name = options.name ?? `${options.role} ${suffix}`;
  let departmentId = options.departmentId;
  if (departmentId === undefined) {
    departmentId = options.role === 'developer' || options.role === 'team_lead' ? await seedDepartment(app) : null;
  }
  const id = await new Seed(dataSource).user({ email, name, role: options.role, departmentId, password, allowedModels: options.allowedModels ?? null });
  const token = await loginAs(baseUrlOf(app), email, password);
  return { user: { id, email, name, role: options.role, departmentId }, email, password, token };
}

/** Inserts a department straight into the app's database (through `Seed`, the one seeding API); returns its id. */
export function seedDepartment(app: INestApplication, name = `dept-${randomBytes(5).toString('hex')}`, allowedModels: string[] | null = null): Promise<string> {
  return new Seed(app.get(DataSource)).department(name, allowedModels);
}

/** An admin API with an admin (`root`) and a finance user signed in; filled in by the suite's `beforeAll`. */
export interface AdminWithRoles {
  admin: AdminApp;
  /** The app's own database connection, for looking at what the API stored. */
  db: DataSource;
  root: SeededUser;
  finance: SeededUser;
}

/**
 * Registers the suite's `beforeAll`/`afterAll`: the real admin API on a fresh database, an admin
 * and a finance user signed in. Read the returned object's fields inside tests and hooks.
 */
export function adminWithRoles(): AdminWithRoles {
  const scene = {} as AdminWithRoles;
  beforeAll(async () => {
    scene.admin = await createAdminApp(await createTestDatabase());
    scene.db = scene.admin.app.get(DataSource);
    scene.root = await seedUser(scene.admin.app, { role: 'admin' });
    scene.finance = await seedUser(scene.admin.app, { role: 'finance' });
  });
  afterAll(() => scene.admin?.close());
  return scene;
}
