import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive, startWatchdog } from './postmaster';

/**
 * The watchdog is a shell script: these run it for real, with `sleep` standing in for the
 * postmaster (SIGTERM ends it, as smart shutdown ends an idle PostgreSQL).
 */
describe('postgres watchdog', () => {
  let dir: string;
  let ownersFile: string;
  const children: ChildProcess[] = [];

  const start = (args: string[]): ChildProcess => {
    const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    return child;
  };
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  const within = async (ms: number, done: () => boolean): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (done()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return done();
  };
  const stopped = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'watchdog-'));
    ownersFile = join(dir, 'pg-owners');
  });

  afterEach(() => {
    for (const child of children.splice(0)) if (!stopped(child)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the postmaster while an owner lives, and stops it once the last owner is gone', async () => {
    const postmaster = start(['sleep', '60']);
    const first = start(['sleep', '60']);
    const second = start(['sleep', '60']);
    writeFileSync(ownersFile, `${first.pid}\n\n${second.pid}\n`);
    startWatchdog(postmaster.pid!, ownersFile);

    first.kill('SIGKILL');
    await exited(first);
    expect(await within(700, () => stopped(postmaster))).toBe(false);

    second.kill('SIGKILL');
    await exited(second);
    expect(await within(3000, () => stopped(postmaster))).toBe(true);
    expect(postmaster.signalCode).toBe('SIGTERM');
  });

  it('counts an owner that is a zombie (exited, not yet reaped) as gone', async () => {
    // the background `sleep 0.2` ends after its parent has become `sleep 60`, which never reaps it
    const parent = start(['sh', '-c', 'sleep 0.2 & echo $!; exec sleep 60']);
    const zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (data: Buffer) => resolve(data.toString()))));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // a zombie: `kill -0` still succeeds, only its state in /proc tells it is gone
    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /);
    expect(processAlive(zombie)).toBe(false);
    const postmaster = start(['sleep', '60']);
    writeFileSync(ownersFile, `${zombie}\n`);
    startWatchdog(postmaster.pid!, ownersFile);

    expect(await within(3000, () => stopped(postmaster))).toBe(true);
  });

  it('stops the postmaster when the owners file is missing', async () => {
    const postmaster = start(['sleep', '60']);
    startWatchdog(postmaster.pid!, ownersFile);
    expect(await within(3000, () => stopped(postmaster))).toBe(true);
  });
});
