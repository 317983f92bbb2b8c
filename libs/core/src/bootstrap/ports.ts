import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** A start-up failure whose message is the whole story: printed as one line, no stack trace. */
export class StartupError extends Error {}

/**
 * Fails with one line naming the port, the variable that set it and, when the system tells, the
 * process holding it — before anything is started, so nothing is left half-running.
 */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  if (port === 0) return;
  const code = await new Promise<string | undefined>((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'EADDRINUSE'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
  if (code) throw new StartupError(portProblem(port, host, variable, code));
}

/** The one line for a failed listen (also used when an app's own `listen` fails). */
function portProblem(port: number, host: string, variable: string, code: string): string {
  if (code === 'EADDRINUSE') {
    const holder = portHolder(port);
    return `port ${port} (${variable}) on ${host} is already in use${holder ? ` by ${holder}` : ''}; stop that process or choose another ${variable}`;
  }
  if (code === 'EACCES') return `port ${port} (${variable}) on ${host}: permission denied (ports below 1024 need privileges); choose another ${variable}`;
  if (code === 'EADDRNOTAVAIL') return `${host} (HOST) is not an address of this machine`;
  return `cannot listen on ${host}:${port} (${variable}): ${code}`;
}

/**
 * "pid 1234 (node dist/apps/gateway/main.js)" for the process listening on the port, found
 * through /proc (Linux; processes of other users only when running as root). Undefined when it
 * cannot tell.
 */
function portHolder(port: number): string | undefined {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: LISTEN
        if (Number.parseInt(fields[1].split(':')[1], 16) === port) inodes.add(fields[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (match && inodes.has(match[1])) return `pid ${pid} (${commandLine(pid)})`;
      }
    }
  } catch {
    // not Linux, or /proc unreadable
  }
  return undefined;
}

function commandLine(pid: string): string {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
  } catch {
    return 'unknown';
  }
}

/** The one-line message for any start-up error: ours as is, a failed listen per `portProblem`. */
export function describeStartupError(error: unknown, listen?: { port: number; host: string; variable: string }): string {
  const failure = error as NodeJS.ErrnoException | null | undefined;
  if (listen && failure?.syscall === 'listen' && failure.code) return portProblem(listen.port, listen.host, listen.variable, failure.code);
  const message = failure instanceof Error ? failure.message : String(error);
  return message.split('\n')[0];
}
