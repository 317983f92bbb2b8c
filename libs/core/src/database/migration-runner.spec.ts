import { Client } from 'pg';
import { createTestDatabase } from '../../../../test/support/test-database';
import { runMigrations } from './migration-runner';

describe('runMigrations (real PostgreSQL)', () => {
  it('is idempotent and safe when several processes start at once', async () => {
    const url = await createTestDatabase();
    const results = await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);
    expect(results.flat()).toEqual([]); // the template already carries every migration
    const client = new Client({ connectionString: url });
    await client.connect();
    const tables = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'usage_events'`);
    await client.end();
    expect(tables.rows[0].n).toBe(1);
  });
});
