import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { readTestState } from './test-state';

/** Runs `CREATE DATABASE <new name> <clause>` on the test cluster; returns the new database's URL. */
async function createDatabase(clause: string): Promise<string> {
  const { templateUrl } = readTestState();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: templateUrl.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} ${clause}`);
  } finally {
    await admin.end();
  }
  return templateUrl.replace(/\/[^/]+$/, `/${name}`);
}

/**
 * A fresh database cloned from the migrated template: real schema, real migrations, no rows.
 * Returns its URL.
 */
export function createTestDatabase(): Promise<string> {
  return createDatabase('TEMPLATE tollgate_template');
}

/** A fresh database with no schema at all (no table, no migration applied): for migration tests. */
export function createEmptyDatabase(): Promise<string> {
  return createDatabase('TEMPLATE template0');
}
