import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeProvider } from '../support/fake-provider';
import { ChatLoad, usageEventCounts } from '../support/chat-load';
import { Seed } from '../support/seed';
import { alive, commandLine, StackProcess } from '../support/stack-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done` holds or `ms` pass; returns the time it took (or Infinity). */
async function within(ms: number, done: () => boolean): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (done()) return Date.now() - started;
    await sleep(25);
  }
  return done() ? Date.now() - started : Number.POSITIVE_INFINITY;
}

async function seedCatalog(stack: StackProcess, fake: FakeProvider): Promise<string> {
  const seed = await Seed.connect(stack.databaseUrl);
  try {
    const providerId = await seed.provider('openai', fake.baseUrl, fake.apiKey);
    await seed.model('gpt-test', providerId, { input: '1', output: '2', currency: 'USD' });
    return (await seed.developer()).key;
  } finally {
    await seed.close();
  }
}

/**
 * Issue 18: `npm start` survives its own crash. The supervisor (`dist/apps/stack/main.js`) is
 * SIGKILLed mid-load; its apps and its embedded PostgreSQL must be gone within 3 s, and a second
 * start on the same DATA_DIR comes up and meters every call served before the kill.
 */
describe('the stack supervisor dies (real processes, embedded PostgreSQL)', () => {
  jest.setTimeout(180_000);
  const dataDirs: string[] = [];
  const stacks: StackProcess[] = [];
  let fake: FakeProvider;

  const newStack = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-stack-'));
    dataDirs.push(dataDir);
    const stack = await StackProcess.create(dataDir);
    stacks.push(stack);
    return stack;
  };

  beforeAll(async () => {
    fake = await FakeProvider.start('openai');
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.kill('SIGTERM');
    await sleep(500);
    await fake?.close();
    for (const dir of dataDirs) {
      // as root the cluster lives outside DATA_DIR (DATA_DIR/pg links to it)
      if (existsSync(join(dir, 'pg'))) rmSync(realpathSync(join(dir, 'pg')), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGKILL mid-load: nothing of it is left after 3 s; the next start meters every call served', async () => {
    const stack = await newStack();
    await stack.start();
    const key = await seedCatalog(stack, fake);

    const warmUp = new Set<string>(); // the first call served: the catalog and key have arrived
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'count me' }] });
    // the new key and model reach the gateway's caches through the change feed
    for (let i = 0; i < 150; i++) {
      const res = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });
      await res.text();
      if (res.status === 200) {
        warmUp.add(String(res.headers.get('x-request-id')));
        break;
      }
      await sleep(100);
    }
    expect(warmUp.size).toBe(1);
    const load = new ChatLoad(stack.gatewayUrl, key, { connections: 8, workers: 8 });
    // mid-load: wait until calls are flowing (a condition, not a fixed window, so a slow machine still gets there)
    for (let i = 0; i < 300 && warmUp.size + load.served.size <= 50; i++) await sleep(50);

    const processes = stack.descendants();
    const postmaster = stack.postmasterPid()!;
    expect(processes).toContain(postmaster);
    expect(processes.map(commandLine).filter((line) => line.includes('dist/apps/')).length).toBeGreaterThanOrEqual(2);
    const servedBeforeKill = warmUp.size + load.served.size;
    await stack.kill('SIGKILL');
    const gone = await within(3000, () => processes.every((pid) => !alive(pid)));
    const survivors = processes.filter(alive).map((pid) => `${pid} ${commandLine(pid)}`);
    expect(survivors).toEqual([]);
    expect(gone).toBeLessThan(3000);

    await load.stop();
    expect(servedBeforeKill).toBeGreaterThan(50);

    await stack.start(); // same DATA_DIR and ports: comes up, replays the spool
    const ids = [...warmUp, ...load.served];
    const seed = await Seed.connect(stack.databaseUrl);
    try {
      const found = await usageEventCounts(seed.dataSource, ids);
      expect(found.length).toBe(ids.length);
      expect(found.every((row) => row.n === 1)).toBe(true);
    } finally {
      await seed.close();
    }

    const stillRunning = stack.descendants();
    expect(await stack.kill('SIGTERM')).toBe(0);
    expect(await within(10_000, () => stillRunning.every((pid) => !alive(pid)))).toBeLessThan(10_000);
  });

  it('a server left running without its watchdog is stopped at the next start, never doubled', async () => {
    const stack = await newStack();
    await stack.start();
    const processes = stack.descendants();
    const watchdog = processes.find((pid) => commandLine(pid).includes('tollgate-postgres-watchdog'));
    expect(watchdog).toBeDefined();
    process.kill(watchdog!, 'SIGKILL'); // as if the OOM killer took both
    await stack.kill('SIGKILL');
    const stale = stack.postmasterPid()!;
    await sleep(500);
    expect(alive(stale)).toBe(true); // an orphan, on the cluster's files

    await stack.start();
    expect(alive(stale)).toBe(false);
    const fresh = stack.postmasterPid()!;
    expect(fresh).not.toBe(stale);
    expect(alive(fresh)).toBe(true);
    expect(await stack.kill('SIGTERM')).toBe(0);
    expect(await within(10_000, () => !alive(fresh))).toBeLessThan(10_000);
  });

  it('SIGHUP (the terminal closed) stops everything in order', async () => {
    const stack = await newStack();
    await stack.start();
    const processes = stack.descendants();
    expect(await stack.kill('SIGHUP')).toBe(0);
    expect(await within(3000, () => processes.every((pid) => !alive(pid)))).toBeLessThan(3000);
  });

  it('a port taken by another process: one line naming the port and the process, nothing started', async () => {
    const stack = await newStack();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(stack.ports.gateway, '127.0.0.1', resolve));
    try {
      await stack.start(false);
      expect(await stack.exited()).toBe(1);
      const lines = stack.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${stack.ports.gateway} (GATEWAY_PORT)`);
      expect(lines[0]).toContain(`pid ${process.pid}`);
      expect(stack.output).not.toMatch(/\n\s+at /);
      expect(stack.postmasterPid()).toBeUndefined();
    } finally {
      blocker.close();
    }
  });
});
