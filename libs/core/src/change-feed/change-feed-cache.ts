import type { ChangedTable, ChangeFeed } from './change-feed';

/**
 * What every change-feed cache shares: it listens to the feed for its tables and treats a resync
 * (the feed reconnected, notices may have been lost) as "everything changed".
 */
abstract class ChangeFeedSubscriber {
  private readonly onChange = (table: ChangedTable) => {
    if (this.tables.has(table)) this.changed();
  };
  private readonly onResync = () => this.changed();

  protected constructor(
    private readonly feed: ChangeFeed,
    private readonly tables: ReadonlySet<ChangedTable>,
  ) {}

  protected subscribe(): void {
    this.feed.on('change', this.onChange);
    this.feed.on('resync', this.onResync);
  }

  protected unsubscribe(): void {
    this.feed.off('change', this.onChange);
    this.feed.off('resync', this.onResync);
  }

  /** One of the tables changed, or the feed lost notices: what the cache holds may be stale. */
  protected abstract changed(): void;
}

export interface ChangeFeedCacheOptions<K, V> {
  feed: ChangeFeed;
  /** A change to any of these tables forgets every entry. */
  tables: Iterable<ChangedTable>;
  /** Reads one entry (on a miss, or when its entry is older than its time to live). */
  load: (key: K) => Promise<V>;
  /** How long an entry is served without re-reading it: the safety net behind the feed. */
  ttlMs: (value: V) => number;
  /** At most this many entries the `bounded` predicate selects; when full, all of those are dropped. */
  maxEntries: number;
  /** Which entries count against `maxEntries` (default: all). */
  bounded?: (value: V) => boolean;
  /** A failed load: return what to serve instead (not cached, so the next call reads again), or throw. */
  onLoadError?: (error: unknown, key: K, stale: V | undefined) => V;
}

interface Entry<V> {
  value: V;
  loadedAt: number;
}

/**
 * A load-one cache in front of PostgreSQL, kept honest by the change feed: an entry is read once,
 * served from memory, and forgotten as soon as any of its tables changes on any replica (or the
 * feed resyncs). Concurrent misses for one key share one read. A hit does no allocation and no
 * I/O: the map lookup and a clock read.
 */
export class ChangeFeedCache<K, V> extends ChangeFeedSubscriber {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly inflight = new Map<K, Promise<V>>();
  private boundedCount = 0;
  /** Bumped by every invalidation, so a read that started before one is not cached after it. */
  private generation = 0;

  constructor(private readonly options: ChangeFeedCacheOptions<K, V>) {
    super(options.feed, new Set(options.tables));
  }

  start(): void {
    this.subscribe();
  }

  stop(): void {
    this.unsubscribe();
  }

  async get(key: K): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.loadedAt < this.options.ttlMs(entry.value)) return entry.value;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.load(key, entry).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Forgets one entry (this process changed it). */
  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    if (this.isBounded(entry.value)) this.boundedCount--;
    this.generation++;
  }

  /** Forgets the entries whose value matches (this process changed them). */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.boundedCount = 0;
    this.generation++;
  }

  protected changed(): void {
    this.clear();
  }

  private async load(key: K, stale: Entry<V> | undefined): Promise<V> {
    const generation = this.generation;
    let value: V;
    try {
      value = await this.options.load(key);
    } catch (error) {
      if (!this.options.onLoadError) throw error;
      return this.options.onLoadError(error, key, stale?.value);
    }
    if (generation === this.generation) this.store(key, value);
    return value;
  }

  private store(key: K, value: V): void {
    const previous = this.entries.get(key);
    if (previous && this.isBounded(previous.value)) this.boundedCount--;
    if (this.isBounded(value)) {
      if (this.boundedCount >= this.options.maxEntries) this.dropBounded();
      this.boundedCount++;
    }
    this.entries.set(key, { value, loadedAt: Date.now() });
  }

  private dropBounded(): void {
    for (const [key, entry] of this.entries) if (this.isBounded(entry.value)) this.entries.delete(key);
    this.boundedCount = 0;
  }

  private isBounded(value: V): boolean {
    return this.options.bounded?.(value) ?? true;
  }
}

export interface ChangeFeedSnapshotOptions<T> {
  feed: ChangeFeed;
  /** A change to any of these tables reloads the whole snapshot. */
  tables: Iterable<ChangedTable>;
  /** Reads everything the snapshot holds. */
  load: () => Promise<T>;
  /** What `current` is before the first successful load. */
  initial: T;
  /** Reloads this often even without a notice: the safety net behind the feed. */
  resyncEveryMs: number;
  /** A failed load (the previous snapshot stays in place). */
  onLoadError: (error: unknown) => void;
}

/**
 * A load-all cache: one value read in full at start, on every change to its tables (on any
 * replica), on a feed resync and periodically. Reloads coalesce: during a load, any number of
 * notices cause exactly one more, so none is missed. A failed reload keeps the previous value.
 */
export class ChangeFeedSnapshot<T> extends ChangeFeedSubscriber {
  private value: T;
  private isLoaded = false;
  private loading: Promise<void> | undefined;
  private reloadAgain = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ChangeFeedSnapshotOptions<T>) {
    super(options.feed, new Set(options.tables));
    this.value = options.initial;
  }

  /** Subscribes, starts the safety-net timer and waits for the first load (which may fail). */
  async start(): Promise<void> {
    this.subscribe();
    this.timer = setInterval(() => void this.reload(), this.options.resyncEveryMs);
    this.timer.unref();
    await this.reload();
  }

  stop(): void {
    this.unsubscribe();
    clearInterval(this.timer);
  }

  /** The last snapshot loaded (or `initial`). */
  get current(): T {
    return this.value;
  }

  /** Whether a load has succeeded yet. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  /** Reloads now, or once more after the load under way; never rejects (see `onLoadError`). */
  reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.loading = this.options
      .load()
      .then((value) => {
        this.value = value;
        this.isLoaded = true;
      })
      .catch(this.options.onLoadError)
      .finally(() => {
        this.loading = undefined;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          void this.reload();
        }
      });
    return this.loading;
  }

  protected changed(): void {
    void this.reload();
  }
}
