import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { GATEWAY_ENTRY } from '../support/gateway-process';
import { commandLine, StackProcess } from '../support/stack-process';

function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

/** Issue 12 item 10 and issue 13 (config per process), with the built apps as real processes. */
describe('start-up configuration of the real processes', () => {
  jest.setTimeout(120_000);
  const dirs: string[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of dirs) {
      if (existsSync(join(dir, 'pg'))) rmSync(realpathSync(join(dir, 'pg')), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad secret stops start-up with one line naming the variable and the rule, not the value', async () => {
    const result = await run(GATEWAY_ENTRY, {
      NODE_ENV: 'production',
      DATA_DIR: temp('tollgate-config-'),
      GATEWAY_PORT: String(await freePort()),
      SECRET_KEY: 'prod-secret-too-short',
      DATABASE_URL: 'postgres://app:hunter2-db-password@127.0.0.1:1/x',
      METRICS_TOKEN: 'short-token',
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^configuration error: SECRET_KEY: .*32 characters/),
      expect.stringMatching(/^configuration error: METRICS_TOKEN: /),
    ]);
    expect(result.stderr + result.stdout).not.toMatch(/prod-secret-too-short|hunter2|short-token/);
  });

  it('SECRET_KEY_FILE is read; a missing file is named by its path', async () => {
    const dir = temp('tollgate-config-');
    const result = await run(GATEWAY_ENTRY, { NODE_ENV: 'production', DATA_DIR: dir, SECRET_KEY_FILE: join(dir, 'nope') });
    expect(result.stderr.trim()).toBe(`configuration error: SECRET_KEY_FILE: cannot read ${join(dir, 'nope')} (ENOENT)`);
  });

  it('the stack gives the gateway neither the JWT secret nor the admin password', async () => {
    const dataDir = temp('tollgate-stack-config-');
    const passwordFile = join(dataDir, 'admin-password');
    writeFileSync(passwordFile, 'correct horse battery staple\n', { mode: 0o600 });
    const stack = await StackProcess.create(dataDir, { ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD_FILE: passwordFile });
    await stack.start();
    try {
      const apps = stack.descendants().filter((pid) => commandLine(pid).includes('dist/apps/'));
      const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const gateway = apps.find((pid) => commandLine(pid).includes('gateway'))!;
      const admin = apps.find((pid) => commandLine(pid).includes('admin-api'))!;
      const names = (pid: number) => environ(pid).map((entry) => entry.split('=')[0]);
      expect(names(gateway)).not.toEqual(expect.arrayContaining(['JWT_SECRET']));
      expect(names(gateway).filter((name) => /JWT_SECRET|ADMIN_PASSWORD|ADMIN_EMAIL/.test(name))).toEqual([]);
      expect(names(admin)).toEqual(expect.arrayContaining(['JWT_SECRET', 'ADMIN_PASSWORD_FILE']));
      const login = await fetch(`http://127.0.0.1:${stack.ports.admin}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.com', password: 'correct horse battery staple' }),
      });
      expect(login.status).toBe(200); // the first admin was created from ADMIN_PASSWORD_FILE
    } finally {
      expect(await stack.kill('SIGTERM')).toBe(0);
    }
  });
});
