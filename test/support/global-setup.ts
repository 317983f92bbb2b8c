import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '../../libs/core/src/database/embedded-database';
import { runMigrations } from '../../libs/core/src/database/migration-runner';
import { TestState, testStateFile } from '../../libs/core/src/testing/test-state';
import { freePort } from './free-port';

declare global {
  var __TOLLGATE_TEST_DB__: EmbeddedDatabase | undefined;
}

/**
 * One real PostgreSQL for the whole run: started from the embedded binaries in a temp dir, the
 * real migrations applied once to a template database. Each suite clones the template
 * (`createTestDatabase`), so suites are isolated and never see each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const port = await freePort();
  const db = new EmbeddedDatabase({ dataDir, port, database: 'tollgate_template' });
  const url = await db.start();
  await runMigrations(url);
  globalThis.__TOLLGATE_TEST_DB__ = db;
  const state: TestState = { templateUrl: url, dataDir, port };
  writeFileSync(testStateFile(), JSON.stringify(state));
}
