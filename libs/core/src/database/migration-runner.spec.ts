import { Client } from 'pg';
import { createEmptyDatabase, createTestDatabase } from '../testing';
import { MIGRATIONS } from './migrations';
import { runMigrations } from './migration-runner';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('runMigrations (real PostgreSQL)', () => {
  it('applies every migration exactly once when several processes start at once on an empty database', async () => {
    const url = await createEmptyDatabase();
    expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);

    const results = await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);

    // one process applied them all, in order; the others waited on the lock and found nothing to do
    const applied = results.filter((names) => names.length > 0);
    expect(applied).toHaveLength(1);
    expect(applied[0]).toHaveLength(MIGRATIONS.length);
    expect(results.flat()).toHaveLength(MIGRATIONS.length);
    const recorded = await query<{ name: string; n: number }>(url, `SELECT name, count(*)::int AS n FROM migrations GROUP BY name ORDER BY name`);
    expect(recorded).toHaveLength(MIGRATIONS.length);
    expect(recorded.every((row) => row.n === 1)).toBe(true);
    expect(recorded.map((row) => row.name).sort()).toEqual([...applied[0]].sort());
    const tables = await query<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('usage_events', 'users', 'provider_accounts')`,
    );
    expect(tables[0].n).toBe(3);

    // and a restart applies nothing
    expect(await runMigrations(url)).toEqual([]);
  });

  it('applies nothing to a database cloned from the migrated template', async () => {
    const url = await createTestDatabase();
    expect((await Promise.all([runMigrations(url), runMigrations(url)])).flat()).toEqual([]);
  });
});
