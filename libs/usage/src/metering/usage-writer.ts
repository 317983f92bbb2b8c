import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { UsageRecord } from './usage-record';
import { UsageSpool } from './usage-spool';
import { addRollups, RollupAccumulator } from '../rollups/rollup-accumulator';

const BATCH_SIZE = 1000;
const FLUSH_INTERVAL_MS = 100;
const ORPHAN_SCAN_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;

/** Commits quota usage for newly inserted events inside the writer's transaction. */
export interface CommittedUsageSink {
  applyCommitted(
    manager: EntityManager,
    committed: Array<{ charges: UsageRecord['quotaCharges']; replicaId: string; tokens: number; cost: string }>,
  ): Promise<void>;
  /** Called once the transaction that applied `committed` has committed. */
  afterCommit?(committed: Array<{ charges: UsageRecord['quotaCharges']; replicaId: string; tokens: number; cost: string }>): void;
}

export interface UsageWriterStats {
  queued: number;
  spooled: number;
  written: number;
  lastBatchMs: number;
  failures: number;
}

interface Pending {
  record: UsageRecord;
  /** Spool segment of this replica, or undefined for records replayed from another file. */
  segment: number | undefined;
  /** Set for replayed records: the claimed file they came from. */
  claimedFile?: string;
}

const EVENT_COLUMNS = [
  ['id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['user_id', 'uuid'],
  ['department_id', 'uuid'],
  ['api_key_id', 'uuid'],
  ['provider_id', 'uuid'],
  ['model', 'text'],
  ['endpoint', 'text'],
  ['stream', 'bool'],
  ['status', 'int4'],
  ['latency_ms', 'int4'],
  ['ttft_ms', 'int4'],
  ['prompt_tokens', 'int4'],
  ['completion_tokens', 'int4'],
  ['cached_tokens', 'int4'],
  ['reasoning_tokens', 'int4'],
  ['total_tokens', 'int4'],
  ['cost', 'numeric'],
  ['currency', 'text'],
  ['input_price', 'numeric'],
  ['output_price', 'numeric'],
  ['cached_input_price', 'numeric'],
  ['estimated', 'bool'],
  ['error_code', 'text'],
  ['cache_write_tokens', 'int4'],
  ['cache_write_input_price', 'numeric'],
] as const;

const INSERT_EVENTS_SQL = `
  INSERT INTO usage_events (${EVENT_COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${EVENT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT DO NOTHING
  RETURNING id`;

function eventColumns(records: UsageRecord[]): unknown[][] {
  const columns: unknown[][] = EVENT_COLUMNS.map(() => new Array(records.length));
  records.forEach((r, i) => {
    const values = [
      r.id, r.createdAt, r.userId, r.departmentId, r.apiKeyId, r.providerId, r.model, r.endpoint, r.stream, r.status,
      r.latencyMs, r.ttftMs, r.promptTokens, r.completionTokens, r.cachedTokens, r.reasoningTokens, r.totalTokens,
      r.cost, r.currency, r.inputPrice, r.outputPrice, r.cachedInputPrice, r.estimated, r.errorCode,
      r.cacheWriteTokens ?? 0, r.cacheWriteInputPrice ?? null,
    ];
    values.forEach((value, c) => (columns[c][i] = value));
  });
  return columns;
}

/**
 * Metering's write path. `record()` spools durably and queues; a background loop drains the
 * queue every ~100 ms or 1,000 events into ONE transaction: a multi-row insert of the events
 * (idempotent on their id, so replays are harmless), rollup upserts for the rows actually
 * inserted, and the quota commit. While PostgreSQL is away the loop retries with backoff and the
 * spool grows on disk; nothing served is lost.
 */
export class UsageWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private orphanTimer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private retryAt = 0;
  private stopped = false;
  readonly stats: UsageWriterStats = { queued: 0, spooled: 0, written: 0, lastBatchMs: 0, failures: 0 };
  /** Called after every committed batch (metrics). */
  onBatch: ((size: number, ms: number) => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly spool: UsageSpool,
    private readonly quotaSink: CommittedUsageSink,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.spool.open();
    this.adoptOrphans();
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    this.orphanTimer = setInterval(() => this.adoptOrphans(), ORPHAN_SCAN_MS);
    this.orphanTimer.unref();
  }

  /**
   * Durable before it returns; written to PostgreSQL shortly after. If the spool cannot be written
   * (disk full, permissions), the record still goes to PostgreSQL from memory and the failure is
   * logged loudly: losing durability is bad, losing the record is worse.
   */
  record(record: UsageRecord): void {
    let segment: number | undefined;
    try {
      segment = this.spool.append(record).segment;
      this.stats.spooled++;
    } catch (error) {
      this.stats.failures++;
      this.logger.error({ err: (error as Error).message, id: record.id }, 'usage spool write failed; record kept in memory only');
    }
    this.queue.push({ record, segment });
    if (this.queue.length >= BATCH_SIZE) void this.flush();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Writes everything queued; resolves when the queue is empty or the deadline passes. */
  async drain(deadlineMs = 10_000): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    while (this.queue.length > 0 && Date.now() < until) {
      this.retryAt = 0;
      await this.flush();
      if (this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, this.backoffMs || 50)));
    }
    return this.queue.length === 0;
  }

  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.orphanTimer);
    await this.flushing;
    const drained = await this.drain(deadlineMs);
    if (!drained) this.logger.warn({ pending: this.queue.length }, 'usage writer stopped with events still spooled; they are replayed at next start');
    this.spool.close();
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.queue.length === 0 || Date.now() < this.retryAt) return Promise.resolve();
    this.flushing = this.writeBatch().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue.slice(0, BATCH_SIZE);
    const started = Date.now();
    let charged: Parameters<CommittedUsageSink['applyCommitted']>[1] = [];
    try {
      charged = await this.dataSource.transaction((manager) => this.persist(manager, batch));
    } catch (error) {
      this.stats.failures++;
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 100);
      this.retryAt = Date.now() + this.backoffMs;
      this.logger.warn({ err: (error as Error).message, pending: this.queue.length, retryInMs: this.backoffMs }, 'usage batch not written; will retry');
      return;
    }
    this.backoffMs = 0;
    if (charged.length > 0) this.quotaSink.afterCommit?.(charged);
    this.queue.splice(0, batch.length);
    const ms = Date.now() - started;
    this.stats.written += batch.length;
    this.stats.lastBatchMs = ms;
    this.onBatch?.(batch.length, ms);
    this.spool.markCommitted(batch.filter((p) => p.segment !== undefined).map((p) => p.segment!));
    this.releaseReplayedFiles(batch);
    if (this.queue.length === 0) this.spool.rotateIfIdle();
  }

  /** Returns the quota usage it committed (for newly inserted events only). */
  private async persist(manager: EntityManager, batch: Pending[]): Promise<Parameters<CommittedUsageSink['applyCommitted']>[1]> {
    const records = batch.map((p) => p.record);
    const inserted: Array<{ id: string }> = await manager.query(INSERT_EVENTS_SQL, eventColumns(records));
    if (inserted.length === 0) return [];
    const fresh = new Set(inserted.map((row) => row.id));
    const newRecords = records.filter((r) => fresh.has(r.id));
    const rollups = new RollupAccumulator();
    for (const record of newRecords) rollups.add(record);
    await addRollups(manager, rollups);
    const charged = newRecords
      .filter((r) => r.quotaCharges.length > 0)
      .map((r) => ({ charges: r.quotaCharges, replicaId: r.replicaId, tokens: r.totalTokens, cost: r.cost }));
    if (charged.length > 0) await this.quotaSink.applyCommitted(manager, charged);
    return charged;
  }

  /** Records from other replicas' orphaned spool files go through the same idempotent path. */
  private adoptOrphans(): void {
    if (this.stopped) return;
    let orphans: ReturnType<UsageSpool['claimOrphans']>;
    try {
      orphans = this.spool.claimOrphans();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'could not scan spool for orphaned files');
      return;
    }
    for (const orphan of orphans) {
      if (orphan.records.length === 0) {
        this.spool.removeClaimed(orphan.path);
        continue;
      }
      this.logger.info({ file: orphan.path, records: orphan.records.length }, 'replaying spooled usage of a previous process');
      for (const record of orphan.records) this.queue.push({ record, segment: undefined, claimedFile: orphan.path });
    }
  }

  private releaseReplayedFiles(batch: Pending[]): void {
    const files = new Set(batch.filter((p) => p.claimedFile).map((p) => p.claimedFile!));
    for (const file of files) {
      if (!this.queue.some((p) => p.claimedFile === file)) this.spool.removeClaimed(file);
    }
  }
}
