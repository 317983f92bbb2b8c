import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { AppConfig } from './app-config';
import { ConfigurationError } from './environment';

const SECRET = 'a-real-secret-value-that-must-never-be-printed-0123456789';

describe('AppConfig: secrets (issue 12 item 10, issue 13 config per process)', () => {
  let dir: string;
  const base = () => ({ NODE_ENV: 'test', DATA_DIR: join(dir, 'data') });
  const problemsOf = (env: Record<string, string>, scope?: 'gateway' | 'admin-api') => {
    try {
      AppConfig.load(env, scope);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      return error.problems;
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the variable and the rule, never the value of a secret', () => {
    const values = {
      SECRET_KEY: 'prod-secret-short',
      JWT_SECRET: 'jwt-secret-short',
      ADMIN_EMAIL: 'a@example.com',
      ADMIN_PASSWORD: 'pw-sh',
      METRICS_TOKEN: 'tok-short',
      DATABASE_URL: 'mysql://app:hunter2-password@db/x',
      ALERT_WEBHOOK_URL: 'not a url but a token-xyz',
      HTTPS_PROXY: 'proxy-user:proxy-pass@nowhere',
    };
    const problems = problemsOf({ ...base(), ...values });
    const text = problems.join('\n');
    for (const name of Object.keys(values).filter((name) => name !== 'ADMIN_EMAIL')) expect(text).toMatch(new RegExp(`^${name}: `, 'm'));
    for (const value of Object.values(values).filter((value) => value !== 'a@example.com')) expect(text).not.toContain(value);
    expect(text).not.toContain('hunter2');
    expect(text).toMatch(/^SECRET_KEY: .*32 characters/m);
  });

  it('still shows what was given for a plain setting', () => {
    expect(problemsOf({ ...base(), GATEWAY_PORT: 'eighty' })).toEqual([expect.stringMatching(/^GATEWAY_PORT: .*\(got "eighty"\)$/)]);
  });

  it('reads secrets from *_FILE variables (one trailing newline dropped)', () => {
    const file = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    const config = AppConfig.load({
      ...base(),
      SECRET_KEY_FILE: file('secret-key', `${SECRET}\n`),
      JWT_SECRET_FILE: file('jwt', `jwt-${SECRET}`),
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD_FILE: file('admin', 'correct horse battery staple\n'),
      DATABASE_URL_FILE: file('db', 'postgres://app:pw@db:5432/tollgate\n'),
      METRICS_TOKEN_FILE: file('metrics', 'metrics-token-0123456789'),
    });
    expect(config.secretKey).toBe(SECRET);
    expect(config.jwtSecret).toBe(`jwt-${SECRET}`);
    expect(config.adminPassword).toBe('correct horse battery staple');
    expect(config.databaseUrl).toBe('postgres://app:pw@db:5432/tollgate');
    expect(config.metricsToken).toBe('metrics-token-0123456789');
  });

  it('refuses a *_FILE that cannot be read, is empty, or comes with its variable too', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const problems = problemsOf({ ...base(), SECRET_KEY_FILE: join(dir, 'missing'), JWT_SECRET_FILE: empty, METRICS_TOKEN: SECRET, METRICS_TOKEN_FILE: empty });
    expect(problems).toEqual([
      `SECRET_KEY_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
      `JWT_SECRET_FILE: ${empty} is empty`,
      'METRICS_TOKEN_FILE: set METRICS_TOKEN or METRICS_TOKEN_FILE, not both',
    ]);
  });

  it('the gateway does not hold the JWT secret or the admin password, and needs no JWT secret in production', () => {
    const env = { ...base(), NODE_ENV: 'production', SECRET_KEY: SECRET, ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'correct horse battery staple' };
    const gateway = AppConfig.load(env, 'gateway');
    expect(() => gateway.jwtSecret).toThrow(/not loaded in the gateway process/);
    expect(() => gateway.adminPassword).toThrow(/not loaded/);
    expect(JSON.stringify(gateway)).not.toContain('correct horse');
    expect(problemsOf(env, 'admin-api')).toEqual(['JWT_SECRET: required when NODE_ENV=production (at least 32 characters)']);
  });

  it('never shows a secret when logged or inspected', () => {
    const config = AppConfig.load({
      ...base(),
      SECRET_KEY: SECRET,
      JWT_SECRET: `jwt-${SECRET}`,
      DATABASE_URL: 'postgres://app:hunter2@db/x',
      METRICS_TOKEN: 'metrics-token-0123456789',
      DASHSCOPE_API_KEY: 'sk-dashscope-key',
    });
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 })]) {
      for (const secret of [SECRET, 'hunter2', 'metrics-token-0123456789', 'sk-dashscope-key']) expect(shown).not.toContain(secret);
      expect(shown).toContain('gatewayPort');
    }
  });

  it('new settings: GATEWAY_PUBLIC_URL, outbound proxy, TRUST_PROXY syntax', () => {
    const config = AppConfig.load({
      ...base(),
      HOST: '0.0.0.0',
      GATEWAY_PORT: '9000',
      https_proxy: 'http://proxy.corp:3128',
      NO_PROXY: 'localhost, .corp ,10.0.0.0/8',
    });
    expect(config.gatewayPublicUrl).toBe('http://127.0.0.1:9000');
    expect(config.outboundProxy).toEqual({ httpsProxy: 'http://proxy.corp:3128', httpProxy: undefined, noProxy: ['localhost', '.corp', '10.0.0.0/8'] });
    expect(AppConfig.load({ ...base(), GATEWAY_PUBLIC_URL: 'https://llm.example.com/' }).gatewayPublicUrl).toBe('https://llm.example.com');
    expect(problemsOf({ ...base(), GATEWAY_PUBLIC_URL: 'llm.example.com' })).toEqual([expect.stringMatching(/^GATEWAY_PUBLIC_URL: /)]);
    expect(problemsOf({ ...base(), TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' })).toEqual([]);
    expect(problemsOf({ ...base(), TRUST_PROXY: '2' })).toEqual([]);
    expect(problemsOf({ ...base(), TRUST_PROXY: 'everyone' })).toEqual([expect.stringMatching(/^TRUST_PROXY: /)]);
  });
});
