import {
  appendFileSync,
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { UsageRecord } from './usage-record';
import { isUsageRecordShape } from './usage-record-cleaning';

/** A heartbeat older than this means the replica that owned a spool file is gone. */
const STALE_AFTER_MS = 15_000;
const HEARTBEAT_MS = 3_000;
const FSYNC_MS = 1_000;
const SEGMENT_MAX_RECORDS = 20_000;

interface Segment {
  seq: number;
  path: string;
  fd: number | undefined;
  written: number;
  committed: number;
}

/** The segment being appended to: open until rotated away. */
type OpenSegment = Segment & { fd: number };

/** A segment file of another (or a previous) process, claimed for replay. */
export interface ClaimedSegment {
  path: string;
  records: UsageRecord[];
  /** Lines that are JSON but not usage records: quarantined, never retried. */
  malformed: string[];
}

export interface SpooledRecord {
  record: UsageRecord;
  /** Which segment holds it, so the segment can be deleted once all of it is committed. */
  segment: number;
}

/**
 * The durable half of metering: every usage record is appended to an NDJSON segment file under
 * DATA_DIR/spool with a synchronous `write` before the response finishes (one write for all the
 * records of an event-loop turn), so a crash or a
 * SIGKILL cannot lose it (an interval fsync bounds what a power cut could take). Segments are
 * deleted once the batch writer has committed every record in them; at start-up, segments of
 * replicas that are no longer alive are claimed (atomic rename) and replayed. Replicas may share
 * one DATA_DIR: each writes only its own files, named after its replica id.
 */
export class UsageSpool {
  private readonly segments = new Map<number, Segment>();
  private active: OpenSegment | undefined;
  private nextSeq = 0;
  private dirty = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly dir: string,
    readonly replicaId: string,
  ) {}

  open(): void {
    mkdirSync(this.dir, { recursive: true });
    this.heartbeat();
    this.rotate();
    this.timers = [setInterval(() => this.heartbeat(), HEARTBEAT_MS), setInterval(() => this.syncToDisk(), FSYNC_MS)];
    for (const timer of this.timers) timer.unref();
  }

  /** Appends one record durably (one write syscall). */
  append(record: UsageRecord): SpooledRecord {
    return { record, segment: this.appendMany([record]) };
  }

  /**
   * Appends records durably with ONE write syscall (group commit: every call that ended in the
   * same event-loop turn); returns the segment that holds them all.
   */
  appendMany(records: UsageRecord[]): number {
    let text = '';
    for (const record of records) text += JSON.stringify(record) + '\n';
    return this.appendLines(text, records.length);
  }

  /** {@link appendMany} for records already serialised: `count` NDJSON lines, one write syscall. */
  appendLines(text: string, count: number): number {
    const segment = this.active ?? this.rotate();
    writeSync(segment.fd, text);
    segment.written += count;
    this.dirty = true;
    if (segment.written >= SEGMENT_MAX_RECORDS) this.rotate();
    return segment.seq;
  }

  /** Called after a batch commits: counts records as done and deletes finished segments. */
  markCommitted(segmentSeqs: number[]): void {
    for (const seq of segmentSeqs) {
      const segment = this.segments.get(seq);
      if (segment) segment.committed++;
    }
    for (const segment of this.segments.values()) this.deleteIfDone(segment);
  }

  /** Closes the active segment when everything in it is committed, so idle replicas leave no files. */
  rotateIfIdle(): void {
    const segment = this.active;
    if (segment && segment.written > 0 && segment.committed === segment.written) this.rotate();
  }

  /** Segment files left by replicas that are no longer alive (or by this replica's previous life). */
  claimOrphans(): ClaimedSegment[] {
    const claimed: ClaimedSegment[] = [];
    for (const name of readdirSync(this.dir)) {
      const match = /^(.+)\.(\d+)\.ndjson$/.exec(name);
      if (!match || match[1] === this.replicaId || name.includes('.claimed-by-')) continue;
      if (this.isAlive(match[1])) continue;
      const target = join(this.dir, `${name}.claimed-by-${this.replicaId}`);
      try {
        renameSync(join(this.dir, name), target); // atomic: exactly one replica wins
      } catch {
        continue;
      }
      claimed.push({ path: target, ...parseSegment(readFileSync(target, 'utf8')) });
    }
    // Claims of replicas that died mid-replay.
    for (const name of readdirSync(this.dir)) {
      const match = /\.claimed-by-(.+)$/.exec(name);
      if (!match || match[1] === this.replicaId || this.isAlive(match[1])) continue;
      const target = join(this.dir, name.replace(/\.claimed-by-.+$/, `.claimed-by-${this.replicaId}`));
      try {
        renameSync(join(this.dir, name), target);
      } catch {
        continue;
      }
      claimed.push({ path: target, ...parseSegment(readFileSync(target, 'utf8')) });
    }
    return claimed;
  }

  /** Last resort for a refused record the quarantine table could not take either: kept on disk. */
  keepRejected(line: string): void {
    appendFileSync(join(this.dir, 'quarantine.ndjson'), line.replace(/\n/g, ' ') + '\n');
  }

  removeClaimed(path: string): void {
    safeUnlink(path);
  }

  /** Flushes to disk and releases files; committed segments are removed. */
  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.active = undefined;
    for (const segment of this.segments.values()) {
      if (segment.fd !== undefined) {
        try {
          fsyncSync(segment.fd);
        } catch {
          // best effort
        }
        closeSync(segment.fd);
        segment.fd = undefined;
      }
      this.deleteIfDone(segment);
    }
    safeUnlink(this.lockPath(this.replicaId));
  }

  /** Records appended but not yet committed, for the metrics gauge. */
  get pendingRecords(): number {
    let pending = 0;
    for (const segment of this.segments.values()) pending += segment.written - segment.committed;
    return pending;
  }

  private rotate(): OpenSegment {
    const previous: Segment | undefined = this.active;
    const seq = this.nextSeq++;
    const path = join(this.dir, `${this.replicaId}.${seq}.ndjson`);
    const segment: OpenSegment = { seq, path, fd: openSync(path, 'a'), written: 0, committed: 0 };
    this.segments.set(seq, segment);
    this.active = segment;
    if (previous?.fd !== undefined) {
      closeSync(previous.fd);
      previous.fd = undefined;
      this.deleteIfDone(previous);
    }
    return segment;
  }

  private deleteIfDone(segment: Segment): void {
    if (segment === this.active || segment.fd !== undefined) return;
    if (segment.committed >= segment.written) {
      safeUnlink(segment.path);
      this.segments.delete(segment.seq);
    }
  }

  private syncToDisk(): void {
    if (!this.dirty || !this.active) return;
    this.dirty = false;
    fsync(this.active.fd, () => undefined);
  }

  private heartbeat(): void {
    const path = this.lockPath(this.replicaId);
    const now = new Date();
    if (existsSync(path)) utimesSync(path, now, now);
    else writeFileSync(path, `${hostname()}:${process.pid}`);
  }

  /**
   * Alive means a fresh heartbeat; on this host, a heartbeat whose process no longer exists is
   * dead at once, so a restarted gateway replays its predecessor's spool immediately.
   */
  private isAlive(replicaId: string): boolean {
    const path = this.lockPath(replicaId);
    try {
      if (Date.now() - statSync(path).mtimeMs >= STALE_AFTER_MS) return false;
      const [host, pid] = readFileSync(path, 'utf8').split(':');
      if (host === hostname() && pid) return processExists(Number(pid));
      return true;
    } catch {
      return false;
    }
  }

  private lockPath(replicaId: string): string {
    return join(this.dir, `${replicaId}.alive`);
  }
}

/**
 * A torn last line (crash mid-write) is skipped; everything before it is intact. A line that is
 * JSON but not a usage record is set aside for the quarantine.
 */
function parseSegment(text: string): { records: UsageRecord[]; malformed: string[] } {
  const records: UsageRecord[] = [];
  const malformed: string[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // torn write
    }
    if (isUsageRecordShape(value)) records.push(value);
    else malformed.push(line);
  }
  return { records, malformed };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
