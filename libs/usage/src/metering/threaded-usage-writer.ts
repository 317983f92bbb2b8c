import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { UsageRecord } from './usage-record';
import type { ClaimedSegment, UsageSpool } from './usage-spool';
import { Grouped, SpooledFront } from './spooled-front';
import type { CommittedUsageSink } from './usage-batch-committer';
import type { UsageWriterObserver, UsageWriterStats } from './usage-writer';
import { FromWriterThread, ToWriterThread, writerThreadData } from './usage-writer-thread';

/** Spooled lines go to the thread at most this often: a message costs far more than its bytes. */
const HAND_OVER_MS = 20;

/**
 * The thread's young generation is kept small: a batch (≤ 1,000 records, ~2 MB parsed) still fits,
 * and V8's default (tens of MB of semi-spaces, grown under load) would add that much resident
 * memory for garbage that dies at every batch. Only the scavenger runs more often. The old
 * generation is not capped: while PostgreSQL is away the thread holds the backlog of spooled lines
 * until it can write them, and running out of heap there would stop the gateway.
 */
const WRITER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** Records handed to the writer thread in one message, in order: where they are durable. */
interface Handed {
  count: number;
  /** Spool segment of this replica (undefined when the spool write failed, or for replayed records). */
  segment: number | undefined;
  /** Set for replayed records: the claimed file they came from. */
  claimedFile?: string;
  queuedAt: number;
}

let threadScript: string | undefined;

/**
 * Turns the writer thread on for this process: `script` is the gateway's own entry file, which
 * runs the writer thread when started as its worker (see the gateway's main.ts). Without it (tests
 * that build the app in-process), the writer runs in the gateway's thread as before.
 */
export function enableUsageWriterThread(script: string): void {
  threadScript = script;
}

export function usageWriterThreadScript(): string | undefined {
  return threadScript;
}

/**
 * The usage writer with its database half in a worker thread (see usage-writer-thread.ts). The
 * gateway's thread keeps what must happen before a response ends — clean, serialise, append to
 * the spool with one write per event-loop turn — and hands the spooled text to the thread; it
 * keeps only counts per segment, deletes a segment once the thread has committed all of it,
 * follows committed quota usage in the ledger's lease mirror, and reports to metrics and health.
 * If the thread dies, the process shuts down: everything not committed is in the spool and is
 * replayed at the next start.
 */
export class ThreadedUsageWriter {
  private readonly handed: Handed[] = [];
  private handedRecords = 0;
  /** Outstanding records and malformed lines per claimed (replayed) file. */
  private readonly claimed = new Map<string, number>();
  private readonly drains = new Map<number, (ok: boolean) => void>();
  /** Spooled lines not yet handed to the thread (sent together every HAND_OVER_MS). */
  private outgoing = '';
  private handOverTimer: NodeJS.Timeout | undefined;
  private nextDrainId = 0;
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly observers: UsageWriterObserver[] = [];
  readonly stats: UsageWriterStats = { queued: 0, spooled: 0, written: 0, lastBatchMs: 0, failures: 0, quarantined: 0 };
  private readonly front: SpooledFront;

  constructor(
    private readonly script: string,
    private readonly databaseUrl: string,
    private readonly spool: UsageSpool,
    private readonly quotaSink: CommittedUsageSink,
    private readonly logger: Logger,
  ) {
    this.front = new SpooledFront(
      spool,
      { spooled: (group, segment, text) => this.handOverSpooled(group, segment, text), adopt: (orphan, now) => this.adopt(orphan, now) },
      this.stats,
      logger,
    );
  }

  start(): void {
    this.front.start();
    const worker = new Worker(this.script, { workerData: writerThreadData(this.databaseUrl), resourceLimits: WRITER_HEAP_LIMITS });
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromWriterThread) => this.onMessage(message));
    worker.on('error', (error) => this.logger.fatal({ err: error.message }, 'usage writer thread failed'));
    worker.once('exit', (code) => {
      this.worker = undefined;
      for (const resolve of this.drains.values()) resolve(false);
      this.drains.clear();
      if (this.stopped) return;
      // Nothing is lost (it is all in the spool), but nothing would reach PostgreSQL either.
      this.logger.fatal({ code, pending: this.handedRecords }, 'usage writer thread exited; shutting down so the spool is replayed at restart');
      process.kill(process.pid, 'SIGTERM');
    });
    this.front.adoptOrphansPeriodically();
  }

  observe(observer: UsageWriterObserver): void {
    this.observers.push(observer);
  }

  /** As UsageWriter.record(): resolves once the record is in the spool file (group commit). */
  record(raw: UsageRecord): Promise<void> {
    return this.front.record(raw);
  }

  get queued(): number {
    return this.handedRecords + this.front.waiting;
  }

  oldestPendingMs(now = Date.now()): number {
    const oldest = this.handed.at(0)?.queuedAt ?? this.front.oldestWaitingAt ?? now;
    return Math.max(0, now - oldest);
  }

  /** Asks the thread to write everything it holds; false when the deadline passed first. */
  drain(deadlineMs = 10_000): Promise<boolean> {
    this.front.writeGroup();
    this.handOver();
    const worker = this.worker;
    if (!worker) return Promise.resolve(this.handedRecords === 0);
    const id = this.nextDrainId++;
    return new Promise((resolve) => {
      this.drains.set(id, resolve);
      this.send({ type: 'drain', id, deadlineMs });
    });
  }

  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.front.stop();
    const drained = await this.drain(deadlineMs);
    if (!drained) this.logger.warn({ pending: this.handedRecords }, 'usage writer stopped with events still spooled; they are replayed at next start');
    if (this.worker) {
      this.send({ type: 'close' });
      const timeout = setTimeout(() => void this.worker?.terminate(), 5_000);
      await this.exited;
      clearTimeout(timeout);
    }
    this.spool.close();
  }

  private send(message: ToWriterThread): void {
    this.worker?.postMessage(message);
  }

  /** One turn's records are in the spool: the same text goes to the thread (every HAND_OVER_MS). */
  private handOverSpooled(group: Grouped[], segment: number | undefined, text: string): void {
    this.handed.push({ count: group.length, segment, queuedAt: group[0].queuedAt });
    this.handedRecords += group.length;
    this.outgoing += text;
    this.handOverTimer ??= setTimeout(() => this.handOver(), HAND_OVER_MS);
  }

  private handOver(): void {
    clearTimeout(this.handOverTimer);
    this.handOverTimer = undefined;
    if (this.outgoing.length === 0) return;
    this.send({ type: 'lines', text: this.outgoing });
    this.outgoing = '';
  }

  private onMessage(message: FromWriterThread): void {
    switch (message.type) {
      case 'committed':
        this.committed(message.count, message.ms);
        break;
      case 'charged':
        this.quotaSink.afterCommit?.(message.committed);
        break;
      case 'quarantined':
        this.stats.quarantined++;
        this.logger.error({ ...message.notice, err: message.err }, message.message);
        for (const observer of this.observers) observer.onQuarantine?.(message.notice);
        break;
      case 'malformed-done':
        this.releaseClaimed(message.claimedFile, 1);
        break;
      case 'keep-rejected':
        this.spool.keepRejected(message.line);
        break;
      case 'failed':
        this.stats.failures++;
        this.logger.warn({ err: message.err, pending: message.pending, retryInMs: message.retryInMs }, 'usage batch not written; will retry');
        break;
      case 'drained':
        this.drains.get(message.id)?.(message.ok);
        this.drains.delete(message.id);
        break;
    }
  }

  /** The oldest `count` records handed over are committed: their segments and claimed files follow. */
  private committed(count: number, ms: number): void {
    const segments: number[] = [];
    let left = count;
    while (left > 0 && this.handed.length > 0) {
      const head = this.handed[0];
      const taken = Math.min(left, head.count);
      if (head.segment !== undefined) for (let i = 0; i < taken; i++) segments.push(head.segment);
      if (head.claimedFile) this.releaseClaimed(head.claimedFile, taken);
      head.count -= taken;
      left -= taken;
      if (head.count === 0) this.handed.shift();
    }
    this.handedRecords -= count;
    this.stats.written += count;
    this.stats.lastBatchMs = ms;
    for (const observer of this.observers) observer.onBatch?.(count, ms);
    this.spool.markCommitted(segments);
    if (this.handedRecords === 0) this.spool.rotateIfIdle();
  }

  private releaseClaimed(file: string, done: number): void {
    const left = (this.claimed.get(file) ?? 0) - done;
    if (left > 0) {
      this.claimed.set(file, left);
      return;
    }
    this.claimed.delete(file);
    this.spool.removeClaimed(file);
  }

  /** Records from other replicas' orphaned spool files go through the thread's idempotent path. */
  private adopt(orphan: ClaimedSegment, now: number): void {
    this.claimed.set(orphan.path, orphan.records.length + orphan.malformed.length);
    if (orphan.records.length > 0) {
      this.handed.push({ count: orphan.records.length, segment: undefined, claimedFile: orphan.path, queuedAt: now });
      this.handedRecords += orphan.records.length;
    }
    this.handOver(); // keeps the thread's order equal to `handed`
    this.send({ type: 'replay', records: orphan.records, malformed: orphan.malformed.map((line) => ({ line, claimedFile: orphan.path })) });
  }
}
