import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { UsageRecord } from './usage-record';
import { ClaimedSegment, UsageSpool } from './usage-spool';
import { sanitiseUsageRecord } from './usage-record-cleaning';
import type { QuarantineNotice } from './usage-quarantine';
import { CommittedUsageSink, UsageBatchCommitter } from './usage-batch-committer';

export type { CommittedCharge, CommittedUsageSink } from './usage-batch-committer';

const BATCH_SIZE = 1000;
const FLUSH_INTERVAL_MS = 100;
const ORPHAN_SCAN_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;

/** What the writer tells the rest of the process (metrics, health): never a record's content. */
export interface UsageWriterObserver {
  /** A batch (or a part of one, when a refused record was isolated) committed. */
  onBatch?(size: number, ms: number): void;
  /** The database refused a record: it is in the quarantine, and a cleaned copy was committed if possible. */
  onQuarantine?(notice: QuarantineNotice): void;
}

export interface UsageWriterStats {
  queued: number;
  spooled: number;
  written: number;
  lastBatchMs: number;
  failures: number;
  quarantined: number;
}

interface Pending {
  record: UsageRecord;
  /** Spool segment of this replica, or undefined for records replayed from another file. */
  segment: number | undefined;
  /** Set for replayed records: the claimed file they came from. */
  claimedFile?: string;
  /** When it was queued (Date.now()): the age of the oldest is the writer's health. */
  queuedAt: number;
}

/**
 * Metering's write path. `record()` cleans (text PostgreSQL can store), spools durably and
 * queues; a background loop drains the queue every ~100 ms or 1,000 events into ONE
 * transaction: a multi-row insert of the events (idempotent on their id, so replays are
 * harmless), rollup upserts for the rows actually inserted, and the quota commit. While
 * PostgreSQL is away the loop retries with backoff and the spool grows on disk; nothing served is
 * lost. No record can stop the others (DESIGN.md §5): when the database refuses a batch for its
 * data, the batch is split until the refused record is alone; that record goes to the quarantine
 * with the database's message and a cleaned copy of it is committed in its place.
 */
export class UsageWriter {
  private queue: Pending[] = [];
  /** Recorded in this event-loop turn, not yet in the spool file (written together, see record()). */
  private group: Array<{ record: UsageRecord; queuedAt: number }> = [];
  private groupWritten: Promise<void> | undefined;
  private resolveGroup: (() => void) | undefined;
  /** Replayed lines that are JSON but no usage record: quarantined as they are, never retried as events. */
  private malformed: Array<{ line: string; claimedFile: string }> = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private orphanTimer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private retryAt = 0;
  private stopped = false;
  private readonly observers: UsageWriterObserver[] = [];
  readonly stats: UsageWriterStats = { queued: 0, spooled: 0, written: 0, lastBatchMs: 0, failures: 0, quarantined: 0 };
  private readonly committer: UsageBatchCommitter;

  constructor(
    dataSource: DataSource,
    private readonly spool: UsageSpool,
    quotaSink: CommittedUsageSink,
    private readonly logger: Logger,
  ) {
    this.committer = new UsageBatchCommitter(dataSource, quotaSink, {
      afterCommit: (committed) => quotaSink.afterCommit?.(committed),
      quarantined: (notice, log) => {
        this.stats.quarantined++;
        this.logger.error({ eventId: notice.eventId, sqlstate: notice.sqlstate, err: log.err, cleanedCopyCommitted: notice.cleanedCopyCommitted }, log.message);
        for (const observer of this.observers) observer.onQuarantine?.(notice);
      },
      keepRejected: (line) => this.spool.keepRejected(line),
    });
  }

  start(): void {
    this.spool.open();
    this.adoptOrphans();
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    this.orphanTimer = setInterval(() => this.adoptOrphans(), ORPHAN_SCAN_MS);
    this.orphanTimer.unref();
  }

  observe(observer: UsageWriterObserver): void {
    this.observers.push(observer);
  }

  /**
   * Cleans the record and makes it durable; the promise resolves once it is in the spool file
   * (group commit: the records of every call that ended in this event-loop turn are written with
   * one `write`, in the next check phase), so a response ended after it cannot lose its event to a
   * crash. If the spool cannot be written (disk full, permissions), the record still goes to
   * PostgreSQL from memory and the failure is logged loudly: losing durability is bad, losing the
   * record is worse.
   */
  record(raw: UsageRecord): Promise<void> {
    this.group.push({ record: sanitiseUsageRecord(raw), queuedAt: Date.now() });
    if (!this.groupWritten) {
      this.groupWritten = new Promise((resolve) => (this.resolveGroup = resolve));
      setImmediate(() => this.writeGroup());
    }
    return this.groupWritten;
  }

  /** One write for every record recorded since the last one; then they are queued for PostgreSQL. */
  private writeGroup(): void {
    const group = this.group;
    const resolve = this.resolveGroup;
    this.group = [];
    this.groupWritten = undefined;
    this.resolveGroup = undefined;
    if (group.length > 0) {
      let segment: number | undefined;
      try {
        segment = this.spool.appendMany(group.map((g) => g.record));
        this.stats.spooled += group.length;
      } catch (error) {
        this.stats.failures++;
        this.logger.error({ err: (error as Error).message, records: group.length }, 'usage spool write failed; records kept in memory only');
      }
      for (const g of group) this.queue.push({ record: g.record, segment, queuedAt: g.queuedAt });
      if (this.queue.length >= BATCH_SIZE) void this.flush();
    }
    resolve?.();
  }

  get queued(): number {
    return this.queue.length + this.group.length;
  }

  /** Age of the oldest event not yet in PostgreSQL (0 when all are). */
  oldestPendingMs(now = Date.now()): number {
    const oldest = this.queue.at(0) ?? this.group.at(0);
    return oldest ? Math.max(0, now - oldest.queuedAt) : 0;
  }

  /** Writes everything queued; resolves when the queue is empty or the deadline passes. */
  async drain(deadlineMs = 10_000): Promise<boolean> {
    this.writeGroup();
    const until = Date.now() + deadlineMs;
    while ((this.queue.length > 0 || this.malformed.length > 0) && Date.now() < until) {
      this.retryAt = 0;
      await this.flush();
      if (this.queue.length > 0 || this.malformed.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, this.backoffMs || 50)));
    }
    return this.queue.length === 0;
  }

  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.orphanTimer);
    this.writeGroup();
    await this.flushing;
    const drained = await this.drain(deadlineMs);
    if (!drained) this.logger.warn({ pending: this.queue.length }, 'usage writer stopped with events still spooled; they are replayed at next start');
    this.spool.close();
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if ((this.queue.length === 0 && this.malformed.length === 0) || Date.now() < this.retryAt) return Promise.resolve();
    this.flushing = this.writeBatch().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue.slice(0, BATCH_SIZE);
    const started = Date.now();
    try {
      for (let next = this.malformed.at(0); next; next = this.malformed.at(0)) {
        await this.committer.quarantineLine(next.line);
        this.malformed.shift();
        this.releaseReplayedFile(next.claimedFile);
      }
      await this.committer.commitIsolating(batch.map((p) => p.record));
    } catch (error) {
      this.stats.failures++;
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 100);
      this.retryAt = Date.now() + this.backoffMs;
      this.logger.warn({ err: (error as Error).message, pending: this.queue.length, retryInMs: this.backoffMs }, 'usage batch not written; will retry');
      return;
    }
    this.backoffMs = 0;
    this.queue.splice(0, batch.length);
    const ms = Date.now() - started;
    this.stats.written += batch.length;
    this.stats.lastBatchMs = ms;
    for (const observer of this.observers) observer.onBatch?.(batch.length, ms);
    this.spool.markCommitted(batch.flatMap((p) => (p.segment === undefined ? [] : [p.segment])));
    this.releaseReplayedFiles(batch);
    if (this.queue.length === 0) this.spool.rotateIfIdle();
  }

  /** Records from other replicas' orphaned spool files go through the same idempotent path. */
  private adoptOrphans(): void {
    if (this.stopped) return;
    let orphans: ClaimedSegment[];
    try {
      orphans = this.spool.claimOrphans();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'could not scan spool for orphaned files');
      return;
    }
    const now = Date.now();
    for (const orphan of orphans) {
      if (orphan.records.length === 0 && orphan.malformed.length === 0) {
        this.spool.removeClaimed(orphan.path);
        continue;
      }
      this.logger.info({ file: orphan.path, records: orphan.records.length }, 'replaying spooled usage of a previous process');
      for (const record of orphan.records) this.queue.push({ record, segment: undefined, claimedFile: orphan.path, queuedAt: now });
      for (const line of orphan.malformed) this.malformed.push({ line, claimedFile: orphan.path });
    }
  }

  private releaseReplayedFiles(batch: Pending[]): void {
    const files = new Set(batch.flatMap((p) => (p.claimedFile ? [p.claimedFile] : [])));
    for (const file of files) this.releaseReplayedFile(file);
  }

  private releaseReplayedFile(file: string): void {
    if (this.queue.some((p) => p.claimedFile === file) || this.malformed.some((m) => m.claimedFile === file)) return;
    this.spool.removeClaimed(file);
  }
}
