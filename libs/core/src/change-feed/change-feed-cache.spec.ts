import pino from 'pino';
import { DataSource } from 'typeorm';
import { createTestDatabase, waitFor } from '../testing';
import { ChangeFeed } from './change-feed';
import { ChangeFeedCache, ChangeFeedSnapshot } from './change-feed-cache';

const logger = pino({ level: 'silent' });

/** A promise settled from outside: a load the test lets finish when it wants. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe('change-feed caches (real PostgreSQL, real LISTEN/NOTIFY)', () => {
  let db: DataSource;
  let feed: ChangeFeed;

  beforeAll(async () => {
    const url = await createTestDatabase();
    db = new DataSource({ type: 'postgres', url });
    await db.initialize();
    feed = new ChangeFeed(url, logger);
    await feed.start();
  });

  afterAll(async () => {
    await feed?.stop();
    await db?.destroy();
  });

  /** Waits until the feed has delivered every notice raised so far (they arrive in commit order). */
  async function drained(): Promise<void> {
    const marker = `marker-${Math.random()}`;
    const seen = new Promise<void>((resolve) => {
      const listener = (table: string) => {
        if (table !== marker) return;
        feed.off('change', listener);
        resolve();
      };
      feed.on('change', listener);
    });
    await db.query(`SELECT pg_notify('tollgate_changes', $1)`, [marker]);
    await seen;
  }

  /** A department, inserted before the test's caches exist (its own notice already delivered). */
  async function department(name: string): Promise<string> {
    const [row] = await db.query<Array<{ id: string }>>(`INSERT INTO departments (name) VALUES ($1) RETURNING id`, [name]);
    await drained();
    return row.id;
  }

  const nameOf = async (id: string): Promise<string | null> => {
    const [row] = await db.query<Array<{ name: string }>>(`SELECT name FROM departments WHERE id = $1`, [id]);
    return row?.name ?? null;
  };

  describe('ChangeFeedCache (load one)', () => {
    function cache(options: Partial<ConstructorParameters<typeof ChangeFeedCache<string, string | null>>[0]> = {}) {
      const loads: string[] = [];
      const instance = new ChangeFeedCache<string, string | null>({
        feed,
        tables: ['departments'],
        load: (id) => {
          loads.push(id);
          return nameOf(id);
        },
        ttlMs: () => 60_000,
        maxEntries: 1000,
        ...options,
      });
      instance.start();
      return { instance, loads };
    }

    it('reads an entry once, then serves it from memory', async () => {
      const id = await department('cache-once');
      const { instance, loads } = cache();
      try {
        for (let i = 0; i < 5; i++) expect(await instance.get(id)).toBe('cache-once');
        expect(loads).toEqual([id]);
      } finally {
        instance.stop();
      }
    });

    it('forgets everything when one of its tables changes on the database, and re-reads the new row', async () => {
      const id = await department('before-rename');
      const { instance, loads } = cache();
      try {
        expect(await instance.get(id)).toBe('before-rename');
        await db.query(`UPDATE departments SET name = 'after-rename' WHERE id = $1`, [id]);
        await waitFor(async () => (await instance.get(id)) === 'after-rename', 'the renamed department');
        expect(loads.length).toBeGreaterThanOrEqual(2);
      } finally {
        instance.stop();
      }
    });

    it('keeps its entries when another table changes, and after stop() no longer listens', async () => {
      const id = await department('other-table');
      const { instance, loads } = cache();
      await instance.get(id);
      await db.query(`INSERT INTO users (email, name, role) VALUES ('cache-other@example.test', 'x', 'admin')`);
      await drained();
      expect(await instance.get(id)).toBe('other-table');
      instance.stop();
      await db.query(`UPDATE departments SET name = 'other-table-2' WHERE id = $1`, [id]);
      await drained();
      expect(await instance.get(id)).toBe('other-table');
      expect(loads).toEqual([id]);
    });

    it('makes concurrent misses for one key share one read', async () => {
      const id = await department('shared-read');
      const { instance, loads } = cache();
      try {
        const names = await Promise.all(Array.from({ length: 10 }, () => instance.get(id)));
        expect(names).toEqual(Array(10).fill('shared-read'));
        expect(loads).toEqual([id]);
      } finally {
        instance.stop();
      }
    });

    it('re-reads an entry older than its time to live (the safety net behind the feed)', async () => {
      const id = await department('short-lived');
      const { instance, loads } = cache({ ttlMs: (name) => (name === null ? 60_000 : 0) });
      try {
        await instance.get(id);
        await instance.get(id);
        expect(loads).toEqual([id, id]);
        await instance.get('00000000-0000-4000-8000-000000000000');
        await instance.get('00000000-0000-4000-8000-000000000000');
        expect(loads).toHaveLength(3);
      } finally {
        instance.stop();
      }
    });

    it('drops the bounded entries once maxEntries of them are held, and only those', async () => {
      const known = await department('bounded-known');
      const { instance, loads } = cache({ maxEntries: 2, bounded: (name) => name === null });
      const missing = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
      try {
        await instance.get(known);
        await instance.get(missing(1));
        await instance.get(missing(2));
        await instance.get(missing(3)); // the third unknown: the first two are dropped
        loads.length = 0;
        await instance.get(known);
        await instance.get(missing(3));
        await instance.get(missing(1));
        expect(loads).toEqual([missing(1)]);
      } finally {
        instance.stop();
      }
    });

    it('on a failed read serves what onLoadError returns without caching it, or rethrows without it', async () => {
      const id = await department('stale-served');
      let failing = false;
      const load = (key: string) => (failing ? Promise.reject(new Error('database down')) : nameOf(key));
      const seen: Array<string | null | undefined> = [];
      const { instance } = cache({
        load,
        ttlMs: () => 0,
        onLoadError: (_error, _key, stale) => {
          seen.push(stale);
          return `stale:${stale}`;
        },
      });
      const strict = cache({ load, ttlMs: () => 0 });
      try {
        expect(await instance.get(id)).toBe('stale-served');
        failing = true;
        expect(await instance.get(id)).toBe('stale:stale-served');
        expect(await instance.get(id)).toBe('stale:stale-served'); // not cached: the stale entry is still the last good one
        expect(seen).toEqual(['stale-served', 'stale-served']);
        await expect(strict.instance.get(id)).rejects.toThrow('database down');
        failing = false;
        expect(await instance.get(id)).toBe('stale-served');
      } finally {
        instance.stop();
        strict.instance.stop();
      }
    });

    it('does not cache a read that an invalidation overtook, and forgets single entries on request', async () => {
      const id = await department('overtaken');
      let gate = deferred<string | null>();
      const { instance, loads } = cache({ load: (key) => (loads.push(key), gate.promise) });
      try {
        const pending = instance.get(id);
        instance.clear();
        gate.resolve('old');
        expect(await pending).toBe('old');
        gate = deferred();
        const again = instance.get(id);
        gate.resolve('new');
        expect(await again).toBe('new');
        expect(await instance.get(id)).toBe('new');
        expect(loads).toEqual([id, id]);
        instance.deleteWhere((name) => name === 'new');
        gate = deferred();
        gate.resolve('newer');
        expect(await instance.get(id)).toBe('newer');
        instance.delete(id);
        gate = deferred();
        gate.resolve('newest');
        expect(await instance.get(id)).toBe('newest');
        expect(loads).toHaveLength(4);
      } finally {
        instance.stop();
      }
    });
  });

  describe('ChangeFeedSnapshot (load all)', () => {
    const allNames = async () => (await db.query<Array<{ name: string }>>(`SELECT name FROM departments ORDER BY name`)).map((row) => row.name);

    it('serves the initial value until the first load, then reloads on every change to its tables', async () => {
      let loads = 0;
      const snapshot = new ChangeFeedSnapshot<string[]>({
        feed,
        tables: ['departments'],
        load: () => (loads++, allNames()),
        initial: [],
        resyncEveryMs: 60_000,
        onLoadError: () => undefined,
      });
      expect(snapshot.current).toEqual([]);
      expect(snapshot.loaded).toBe(false);
      await snapshot.start();
      try {
        expect(snapshot.loaded).toBe(true);
        expect(loads).toBe(1);
        await department('snapshot-added');
        await waitFor(() => snapshot.current.includes('snapshot-added'), 'the new department in the snapshot');
        const before = loads;
        await db.query(`INSERT INTO users (email, name, role) VALUES ('snapshot-other@example.test', 'x', 'admin')`);
        await department('snapshot-marker');
        await waitFor(() => snapshot.current.includes('snapshot-marker'), 'the marker department');
        expect(loads).toBe(before + 1); // the users change did not reload it
      } finally {
        snapshot.stop();
      }
    });

    it('coalesces a burst of changes during a load into exactly one more load', async () => {
      const gates: Array<ReturnType<typeof deferred<number>>> = [];
      const snapshot = new ChangeFeedSnapshot<number>({
        feed,
        tables: ['departments'],
        load: () => {
          gates.push(deferred());
          return gates[gates.length - 1].promise;
        },
        initial: 0,
        resyncEveryMs: 60_000,
        onLoadError: () => undefined,
      });
      const started = snapshot.start();
      for (let i = 0; i < 5; i++) void snapshot.reload();
      expect(gates).toHaveLength(1);
      gates[0].resolve(1);
      await started;
      await waitFor(() => gates.length === 2, 'the one follow-up load');
      gates[1].resolve(2);
      await waitFor(() => snapshot.current === 2, 'the follow-up value');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(gates).toHaveLength(2);
      snapshot.stop();
    });

    it('keeps the previous value when a reload fails, and reloads on its timer without any notice', async () => {
      let failing = false;
      const errors: unknown[] = [];
      let loads = 0;
      const snapshot = new ChangeFeedSnapshot<number>({
        feed,
        tables: ['departments'],
        load: () => (++loads, failing ? Promise.reject(new Error('database down')) : Promise.resolve(loads)),
        initial: 0,
        resyncEveryMs: 30,
        onLoadError: (error) => errors.push(error),
      });
      await snapshot.start();
      try {
        await waitFor(() => snapshot.current >= 3, 'two timer reloads');
        failing = true;
        const last = snapshot.current;
        await waitFor(() => errors.length >= 2, 'failed reloads');
        expect(snapshot.current).toBe(last);
        expect(snapshot.loaded).toBe(true);
      } finally {
        snapshot.stop();
      }
      const stoppedAt = loads;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(loads).toBe(stoppedAt);
    });
  });
});
