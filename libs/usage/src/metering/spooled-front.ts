import type { Logger } from 'pino';
import type { UsageRecord } from './usage-record';
import { sanitiseUsageRecord } from './usage-record-cleaning';
import type { ClaimedSegment, UsageSpool } from './usage-spool';

const ORPHAN_SCAN_MS = 5_000;

/** A record cleaned and waiting for this event-loop turn's spool write. */
export interface Grouped {
  record: UsageRecord;
  /** When it was recorded (Date.now()): the age of the oldest pending record is the writer's health. */
  queuedAt: number;
}

/** What the writer behind the front does with spooled and replayed records. */
export interface SpooledFrontSink {
  /** One turn's records, in the spool (`segment`; undefined when the write failed) as `text` (NDJSON). */
  spooled(group: Grouped[], segment: number | undefined, text: string): void;
  /** A previous process's spool file, claimed: its records and malformed lines go to PostgreSQL. */
  adopt(orphan: ClaimedSegment, now: number): void;
}

/**
 * The front half both usage writers share (in this thread or with a writer thread): group commit
 * and orphan adoption. `record()` cleans a record and resolves once it is in the spool file; the
 * records of every call that ended in one event-loop turn are written with ONE `write`, in the
 * next check phase, so a response ended after it cannot lose its event to a crash. If the spool
 * cannot be written (disk full, permissions), the records still go on from memory and the failure
 * is logged loudly: losing durability is bad, losing the record is worse. Every few seconds the
 * spool directory is scanned for files of processes that died, which are replayed.
 */
export class SpooledFront {
  private group: Grouped[] = [];
  private groupWritten: Promise<void> | undefined;
  private resolveGroup: (() => void) | undefined;
  private orphanTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly spool: UsageSpool,
    private readonly sink: SpooledFrontSink,
    private readonly stats: { spooled: number; failures: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.spool.open();
  }

  /** Starts scanning for orphaned spool files (now, then every few seconds). */
  adoptOrphansPeriodically(): void {
    this.adoptOrphans();
    this.orphanTimer = setInterval(() => this.adoptOrphans(), ORPHAN_SCAN_MS);
    this.orphanTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.orphanTimer);
  }

  record(raw: UsageRecord): Promise<void> {
    this.group.push({ record: sanitiseUsageRecord(raw), queuedAt: Date.now() });
    if (!this.groupWritten) {
      this.groupWritten = new Promise((resolve) => (this.resolveGroup = resolve));
      setImmediate(() => this.writeGroup());
    }
    return this.groupWritten;
  }

  /** Records waiting for this turn's spool write. */
  get waiting(): number {
    return this.group.length;
  }

  /** When the oldest record waiting for the spool write was recorded, if any. */
  get oldestWaitingAt(): number | undefined {
    return this.group.at(0)?.queuedAt;
  }

  /** One write for every record recorded since the last one; then the sink takes them. */
  writeGroup(): void {
    const group = this.group;
    const resolve = this.resolveGroup;
    this.group = [];
    this.groupWritten = undefined;
    this.resolveGroup = undefined;
    if (group.length > 0) {
      let text = '';
      for (const g of group) text += JSON.stringify(g.record) + '\n';
      let segment: number | undefined;
      try {
        segment = this.spool.appendLines(text, group.length);
        this.stats.spooled += group.length;
      } catch (error) {
        this.stats.failures++;
        this.logger.error({ err: (error as Error).message, records: group.length }, 'usage spool write failed; records kept in memory only');
      }
      this.sink.spooled(group, segment, text);
    }
    resolve?.();
  }

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
      this.sink.adopt(orphan, now);
    }
  }
}
