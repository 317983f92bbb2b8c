import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { readTestState } from './test-state';

/**
 * A fresh database cloned from the migrated template: real schema, real migrations, no rows.
 * Returns its URL.
 */
export async function createTestDatabase(): Promise<string> {
  const { templateUrl } = readTestState();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: templateUrl.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE tollgate_template`);
  } finally {
    await admin.end();
  }
  return templateUrl.replace(/\/[^/]+$/, `/${name}`);
}
