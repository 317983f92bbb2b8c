import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { TEST_JWT_SECRET, TEST_SECRET_KEY } from '@app/core/testing';

const ROOT = join(__dirname, '..', '..');
const STACK_ENTRY = join(ROOT, 'dist', 'apps', 'stack', 'main.js');

/**
 * `node dist/apps/stack/main.js` as a real OS process — embedded PostgreSQL of its own DATA_DIR,
 * gateway and admin API as its children — on free ports. Requires `npm run build`.
 */
export class StackProcess {
  private child: ChildProcess | undefined;
  output = '';
  stderr = '';

  private constructor(
    readonly dataDir: string,
    readonly ports: { gateway: number; admin: number; postgres: number },
    private readonly env: Record<string, string>,
  ) {}

  static async create(dataDir: string, env: Record<string, string> = {}): Promise<StackProcess> {
    return new StackProcess(dataDir, { gateway: await freePort(), admin: await freePort(), postgres: await freePort() }, env);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  /** The embedded database, as the superuser the stack generated into DATA_DIR. */
  get databaseUrl(): string {
    const { user, password } = JSON.parse(readFileSync(join(this.dataDir, 'pg-credentials.json'), 'utf8')) as { user: string; password: string };
    return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.ports.postgres}/tollgate`;
  }

  /** Spawns the stack; `waitUntilUp` false returns at once (for start-up failures). */
  async start(waitUntilUp = true, timeoutMs = 60_000): Promise<void> {
    if (!existsSync(STACK_ENTRY)) throw new Error(`${STACK_ENTRY} is missing: run \`npm run build\` first`);
    this.output = '';
    this.stderr = '';
    this.child = spawn(process.execPath, [STACK_ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATA_DIR: this.dataDir,
        GATEWAY_PORT: String(this.ports.gateway),
        ADMIN_PORT: String(this.ports.admin),
        EMBEDDED_PG_PORT: String(this.ports.postgres),
        SECRET_KEY: TEST_SECRET_KEY,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => {
      this.output += d.toString();
      this.stderr += d.toString();
    });
    if (!waitUntilUp) return;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`stack exited during start:\n${this.output}`);
      const up = await Promise.all(
        [`${this.gatewayUrl}/livez`, `http://127.0.0.1:${this.ports.admin}/healthz`].map((url) =>
          fetch(url).then(
            (r) => r.status < 500,
            () => false,
          ),
        ),
      );
      if (up[0] && up[1]) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`stack did not start in time:\n${this.output}`);
  }

  exited(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    const exited = this.exited();
    this.child?.kill(signal);
    return exited;
  }

  /** Every process below the stack (apps, PostgreSQL and its workers, the watchdog). */
  descendants(): number[] {
    return descendantsOf(this.pid!);
  }

  /** The postmaster of this DATA_DIR per its pid file, whether or not it is alive. */
  postmasterPid(): number | undefined {
    const file = join(this.dataDir, 'pg', 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  }
}

function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Alive and not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
