import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Process-level facts about an embedded PostgreSQL cluster, read from the operating system and
 * the cluster's own `postmaster.pid`, so that a server left by a dead process is found by its
 * data directory rather than by guessing from a port.
 */

export interface RunningPostmaster {
  pid: number;
  port: number;
}

/** True when the process exists and is not a zombie waiting to be reaped. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) is all we can tell
  }
}

/**
 * The server running on the cluster in `clusterDir`, per its `postmaster.pid` (line 1: pid,
 * line 4: port), when that process is alive and (where /proc tells) really is a postgres.
 */
export function runningPostmaster(clusterDir: string): RunningPostmaster | undefined {
  const file = join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!processAlive(pid)) return undefined;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return undefined; // a recycled pid
  } catch {
    // no /proc: trust the pid file
  }
  return { pid, port };
}

/** Stops a postmaster by signal: fast shutdown (SIGINT), then immediate (SIGQUIT) after `graceMs`. */
export async function stopPostmaster(pid: number, graceMs = 10_000): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGINT');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) {
      signal('SIGQUIT');
      if (Date.now() > deadline + 5000) signal('SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A detached watchdog (a few lines of POSIX shell) that stops the postmaster once no process
 * listed in `ownersFile` is alive any more, however they died (SIGKILL, OOM killer, closed
 * terminal): smart shutdown first (sessions of exiting apps may still commit), fast after 1 s,
 * immediate after 2 s. It exits when the postmaster is gone.
 *
 * Its checks use shell builtins only (`read`, `kill`, `[`): it runs beside the gateway for the
 * stack's whole life, and spawning `cat`/`sed`/`cut` in every round (about 40 processes a second)
 * took CPU from the gateway in bursts that showed in its tail latency. `sleep` is its only child.
 */
export function startWatchdog(postmasterPid: number, ownersFile: string): void {
  const script = `
owners_file=$1; pg=$2
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  stat=
  { read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 0
  rest=\${stat##*") "}
  [ "\${rest%% *}" != Z ]
}
any_owner() {
  [ -r "$owners_file" ] || return 1
  while read -r owner; do
    [ -n "$owner" ] && alive "$owner" && return 0
  done < "$owners_file"
  return 1
}
while any_owner; do
  alive "$pg" || exit 0
  sleep 0.2
done
kill -TERM "$pg" 2>/dev/null
i=0
while alive "$pg"; do
  i=$((i + 1))
  [ "$i" -eq 5 ] && kill -INT "$pg" 2>/dev/null
  [ "$i" -eq 10 ] && kill -QUIT "$pg" 2>/dev/null
  [ "$i" -ge 50 ] && { kill -KILL "$pg" 2>/dev/null; exit 0; }
  sleep 0.2
done
`;
  const child = spawn('/bin/sh', ['-c', script, 'tollgate-postgres-watchdog', ownersFile, String(postmasterPid)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}
