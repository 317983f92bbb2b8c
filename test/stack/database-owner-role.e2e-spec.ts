import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '../../libs/core/src/database/migration-runner';
import { freePort } from '../support/free-port';
import { GatewayProcess } from '../support/gateway-process';
import { readTestState } from '@app/core/testing';

const INIT_SQL = join(__dirname, '..', '..', 'docker', 'postgres-init', 'tollgate-owner.psql');

/**
 * Runs docker/postgres-init/tollgate-owner.psql the way psql does (its `:"ident"` and `:'literal'`
 * variables, `\connect`) on a real PostgreSQL, as a superuser.
 */
async function runInitScript(superuserUrl: string, vars: Record<string, string>): Promise<void> {
  let client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const substitute = (text: string) =>
      text
        .replace(/:"(\w+)"/g, (_m, name: string) => client.escapeIdentifier(vars[name]))
        .replace(/:'(\w+)'/g, (_m, name: string) => client.escapeLiteral(vars[name]));
    let statement = '';
    for (const line of readFileSync(INIT_SQL, 'utf8').split('\n')) {
      if (line.startsWith('--') || line.trim() === '') continue;
      const connect = /^\\connect\s+:"(\w+)"\s*$/.exec(line);
      if (connect) {
        await client.end();
        const url = new URL(superuserUrl);
        url.pathname = `/${vars[connect[1]]}`;
        client = new Client({ connectionString: url.toString() });
        await client.connect();
        continue;
      }
      statement += `${line}\n`;
      if (line.trimEnd().endsWith(';')) {
        await client.query(substitute(statement));
        statement = '';
      }
    }
    expect(statement).toBe('');
  } finally {
    await client.end();
  }
}

/** Issue 12 item 12 (database): the apps connect as a role that owns its schema, not a superuser. */
describe('the database owner role of the compose file (docker/postgres-init)', () => {
  jest.setTimeout(120_000);
  const suffix = randomBytes(4).toString('hex');
  const vars = { app_user: `tollgate_owner_${suffix}`, app_db: `t_owner_${suffix}`, app_password: `pw'with"quotes ${suffix}` };
  let superuserUrl: string;
  let appUrl: string;
  let gateway: GatewayProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-owner-'));

  beforeAll(async () => {
    superuserUrl = readTestState().templateUrl.replace(/\/[^/]+$/, '/postgres');
    await runInitScript(superuserUrl, vars);
    const url = new URL(superuserUrl);
    url.username = vars.app_user;
    url.password = vars.app_password;
    url.pathname = `/${vars.app_db}`;
    appUrl = url.toString();
  });

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    const admin = new Client({ connectionString: superuserUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(vars.app_db)} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(vars.app_user)}`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every migration as the owner role, which is no superuser and owns what it created', async () => {
    expect((await runMigrations(appUrl)).length).toBeGreaterThan(0);
    const client = new Client({ connectionString: appUrl });
    await client.connect();
    try {
      const { rows: role } = await client.query(`SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
      expect(role).toEqual([{ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false }]);
      const { rows: owners } = await client.query(
        `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`,
      );
      expect(owners).toEqual([{ owner: vars.app_user }]);
      await expect(client.query(`CREATE DATABASE ${client.escapeIdentifier(`x_${suffix}`)}`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`CREATE ROLE ${client.escapeIdentifier(`x_${suffix}`)}`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`COPY (SELECT 1) TO PROGRAM 'true'`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });

  it('the gateway runs on it', async () => {
    gateway = new GatewayProcess(await freePort(), { DATABASE_URL: appUrl, DATA_DIR: dataDir });
    await gateway.start();
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
