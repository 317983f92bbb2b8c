// What the benchmarks share: the built stack (`dist/apps/stack/main.js`, embedded PostgreSQL,
// gateway and admin API) started on free ports, the fake upstream, an admin API client, and
// children that die with the benchmark.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
process.on('SIGINT', () => process.exit(130));

/** Kills the child (SIGKILL) when the benchmark exits, however it exits. */
export function track(child) {
  children.push(child);
  return child;
}

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx. */
export async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`${url} did not come up`);
}

/** The benchmark's fake OpenAI-compatible provider (bench/fake-upstream.mjs) on a free port; returns its base URL. */
export async function startUpstream(env = {}) {
  const port = await freePort();
  track(fork(join(ROOT, 'bench', 'fake-upstream.mjs'), [String(port)], { stdio: 'ignore', env: { ...process.env, ...env } }));
  await sleep(300);
  return `http://127.0.0.1:${port}`;
}

/**
 * Starts the built stack on free ports with its own DATA_DIR and a first admin (`adminEmail`,
 * `bench-password`), and waits until both apps answer their health checks. `env` adds to or
 * overrides the stack's environment; `nodeArgs` go to node before the entry.
 */
export async function startStack({ dataDirPrefix, adminEmail = 'bench@example.com', env = {}, nodeArgs = [] }) {
  const [gatewayPort, adminPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const stackEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(gatewayPort),
    ADMIN_PORT: String(adminPort),
    EMBEDDED_PG_PORT: String(pgPort),
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: 'bench-password',
    LOG_LEVEL: 'warn',
    ...env,
  };
  delete stackEnv.DATABASE_URL;
  const stack = track(
    spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'apps', 'stack', 'main.js')], { env: stackEnv, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  const admin = `http://127.0.0.1:${adminPort}`;
  await waitFor(`${gateway}/healthz`);
  await waitFor(`${admin}/healthz`);
  /** One admin API call (path under /api); throws on an error status. */
  const call = async (method, path, token, body) => {
    const res = await fetch(`${admin}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = res.status === 204 ? {} : await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  let token;
  for (let i = 0; i < 50 && !token; i++) {
    token = await call('POST', '/auth/login', undefined, { email: adminEmail, password: 'bench-password' }).then(
      (r) => r.accessToken,
      () => undefined,
    );
    if (!token) await sleep(200);
  }
  // The stack stops its database and apps on SIGTERM: wait for it, so nothing is left behind.
  const stop = () =>
    new Promise((resolve) => {
      if (stack.exitCode !== null) return resolve();
      stack.once('exit', resolve);
      stack.kill('SIGTERM');
      setTimeout(resolve, 20_000).unref();
    });
  return { stack, gateway, admin, dataDir, pgPort, call, token, stop };
}

/**
 * The developer the benchmarks call as: a department, a user in it and an API key, with a daily
 * user quota (and with `departmentQuota`, a monthly department quota) that every call is admitted
 * against through the leased ledger, far above what a run spends. Returns the key.
 */
export async function seedDeveloper(call, token, { departmentQuota = false } = {}) {
  const department = await call('POST', '/departments', token, { name: 'Benchmark' });
  const user = await call('POST', '/users', token, { email: 'load@example.com', name: 'Load', departmentId: department.id, role: 'developer' });
  const key = (await call('POST', `/users/${user.id}/api-keys`, token, { name: 'bench' })).key;
  await call('PUT', '/quotas', token, { scope: 'user', subjectId: user.id, period: 'day', maxTokens: 1e12, maxRequests: 1e9 });
  if (departmentQuota) await call('PUT', '/quotas', token, { scope: 'department', subjectId: department.id, period: 'month', maxTokens: 1e12 });
  return key;
}
