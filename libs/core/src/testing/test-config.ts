import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

export const TEST_SECRET_KEY = 'test-secret-key-for-provider-credentials-0123456789';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789-0123456789-0123456789';

/** A real AppConfig for a test process: its own DATA_DIR, fixed secrets, quiet logs. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  return AppConfig.load({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tollgate-data-')),
    SECRET_KEY: TEST_SECRET_KEY,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
