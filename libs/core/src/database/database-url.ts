import { AppConfig } from '../config/app-config';
import { EmbeddedDatabase } from './embedded-database';
import { runMigrations } from './migration-runner';

export interface ResolvedDatabase {
  url: string;
  embedded: EmbeddedDatabase | undefined;
}

/**
 * DATABASE_URL when set; otherwise the embedded cluster in DATA_DIR (started if needed).
 * Migrations are applied either way, under the advisory lock.
 */
export async function prepareDatabase(config: AppConfig, onLog?: (line: string) => void): Promise<ResolvedDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = new EmbeddedDatabase({ dataDir: config.dataDir, port: config.embeddedPgPort, onLog });
    url = await embedded.start();
  }
  await runMigrations(url);
  return { url, embedded };
}
