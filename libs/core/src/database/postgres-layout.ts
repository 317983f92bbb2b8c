import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';

/** Where the embedded server's binaries and cluster are, and which account runs them. */
export interface PostgresLayout {
  bin: { postgres: string; initdb: string };
  /** The cluster directory, symlinks resolved (what `postgres -D` is given). */
  clusterDir: string;
  /** Set when running as root: PostgreSQL refuses root, so it runs as this account. */
  runAs?: { user: string; uid: number; gid: number };
}

/** The account the embedded server runs as when Tollgate is started as root. */
const POSTGRES_SYSTEM_USER = 'tollgate';
/** As root: copies of the binaries and the clusters of DATA_DIRs the account could not reach. */
const ROOT_STATE_DIR = '/var/lib/tollgate';

/**
 * As a normal user: the binaries where npm put them and the cluster in DATA_DIR/pg.
 *
 * As root (a container, a clone under /root): PostgreSQL must not run as root, so it runs as the
 * system account `tollgate` (created when missing). That account must reach the binaries and the
 * cluster, which a private (0700) checkout or DATA_DIR does not allow. So, only when needed:
 * the binaries are copied once per version to /var/lib/tollgate/postgres-<version>, and a new
 * cluster is created in /var/lib/tollgate/clusters/<random id> with DATA_DIR/pg a symbolic link
 * to it (removing DATA_DIR therefore starts afresh; the old cluster directory stays until deleted).
 * An existing DATA_DIR/pg directory is used in place, run as the account that owns it.
 */
export function resolvePostgresLayout(dataDir: string, packageBin: { postgres: string; initdb: string }): PostgresLayout {
  const link = join(dataDir, 'pg');
  if (userInfo().uid !== 0) {
    return { bin: packageBin, clusterDir: existsSync(link) ? realpathSync(link) : link };
  }
  const existing = lstatOrUndefined(link);
  let clusterDir: string;
  let runAs: PostgresLayout['runAs'];
  if (existing?.isDirectory()) {
    clusterDir = link;
    const owner = statSync(link).uid;
    runAs = owner === 0 ? systemUser() : { user: accountName(owner), uid: owner, gid: statSync(link).gid };
    if (owner === 0) chownRecursive(link, runAs.uid, runAs.gid);
  } else {
    runAs = systemUser();
    if (existing?.isSymbolicLink() && existsSync(link)) {
      clusterDir = realpathSync(link);
    } else {
      if (existing) rmSync(link, { force: true }); // a dangling link: its cluster was deleted
      clusterDir = join(ROOT_STATE_DIR, 'clusters', randomBytes(8).toString('hex'));
      mkdirSync(dirname(clusterDir), { recursive: true, mode: 0o755 });
      mkdirSync(clusterDir, { mode: 0o700 });
      chownSync(clusterDir, runAs.uid, runAs.gid);
      symlinkSync(clusterDir, link);
    }
  }
  const bin = runnableBy(runAs, packageBin.initdb) ? packageBin : copiedBinaries(packageBin);
  return { bin, clusterDir, runAs };
}

/** True when `account` can execute the binary where it is (every parent directory reachable). */
function runnableBy(account: { uid: number; gid: number }, binary: string): boolean {
  const result = spawnSync(binary, ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore', timeout: 10_000 });
  return !result.error && result.status === 0;
}

/** A world-readable copy of the package's `native` tree (bin, lib, share), made once per version. */
function copiedBinaries(packageBin: { postgres: string; initdb: string }): { postgres: string; initdb: string } {
  const nativeDir = dirname(dirname(packageBin.postgres));
  const version = execFileSync(packageBin.postgres, ['--version'], { encoding: 'utf8' }).trim();
  const id = createHash('sha256')
    .update(`${version}\n${statSync(packageBin.postgres).size}`)
    .digest('hex')
    .slice(0, 12);
  const target = join(ROOT_STATE_DIR, `postgres-${id}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    mkdirSync(ROOT_STATE_DIR, { recursive: true, mode: 0o755 });
    chmodSync(ROOT_STATE_DIR, 0o755);
    const staging = `${target}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    makeReadable(staging);
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // a concurrent start copied it first
    }
  }
  return { postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb') };
}

function makeReadable(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) makeReadable(join(path, entry));
    return;
  }
  chmodSync(path, (stat.mode & 0o777) | 0o444 | (stat.mode & 0o100 ? 0o111 : 0));
}

/** The `tollgate` system account, created (no home, no login shell) when missing. */
function systemUser(): { user: string; uid: number; gid: number } {
  const lookup = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', POSTGRES_SYSTEM_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      const gid = Number(execFileSync('id', ['-g', POSTGRES_SYSTEM_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      return { user: POSTGRES_SYSTEM_USER, uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  const attempts: Array<[string, string[]]> = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', POSTGRES_SYSTEM_USER]],
    ['adduser', ['-S', '-D', '-H', '-h', '/nonexistent', '-s', '/sbin/nologin', POSTGRES_SYSTEM_USER]], // busybox (Alpine)
  ];
  for (const [command, args] of attempts) {
    spawnSync(command, args, { stdio: 'ignore' });
    const created = lookup();
    if (created) return created;
  }
  throw new Error(
    `running as root, the embedded PostgreSQL needs the system account "${POSTGRES_SYSTEM_USER}" and it could not be created (useradd/adduser): create it, run as a normal user, or set DATABASE_URL`,
  );
}

function accountName(uid: number): string {
  try {
    return execFileSync('id', ['-nu', String(uid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return String(uid);
  }
}

function chownRecursive(path: string, uid: number, gid: number): void {
  const stat = lstatSync(path);
  (stat.isSymbolicLink() ? lchownSync : chownSync)(path, uid, gid);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) chownRecursive(join(path, entry), uid, gid);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
