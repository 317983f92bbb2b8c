// What the benchmarks read of the processes they measure, from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function descendants(root) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone
    }
  }
  const found = [];
  const walk = (pid) => {
    for (const [child, parent] of parents)
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
  };
  walk(root);
  return found;
}

/** The gateway processes a stack (`dist/apps/stack/main.js`, pid `stackPid`) runs. */
export function gatewayPids(stackPid) {
  return descendants(stackPid).filter((pid) => cmdline(pid).includes('apps/gateway/main.js'));
}

/** Resident memory of the processes together, in MB. */
export function rssMb(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) kb += Number(match[1]);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** CPU time (user + system, all threads) the processes have used so far, in µs (/proc, 10 ms ticks). */
export function cpuMicros(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // gone
    }
  }
  return ticks * 10_000;
}
