import { parentPort } from 'node:worker_threads';
import { Pool, PoolClient } from 'pg';
import { applyCommittedUsage } from '../quota/quota-usage-commit';
import type { SqlRunner, SqlTransactions } from './sql-runner';
import { CommittedCharge, UsageBatchCommitter } from './usage-batch-committer';
import type { QuarantineNotice } from './usage-quarantine';
import type { UsageRecord } from './usage-record';

const BATCH_SIZE = 1000;
const FLUSH_INTERVAL_MS = 100;
const MAX_BACKOFF_MS = 5_000;
const ROLE = 'tollgate-usage-writer';

/** What the gateway's thread hands the writer thread. */
export type ToWriterThread =
  /** One group commit's records, exactly as spooled (NDJSON). */
  | { type: 'lines'; text: string }
  /** Records replayed from a dead replica's spool file, and its lines that are no usage records. */
  | { type: 'replay'; records: UsageRecord[]; malformed: Array<{ line: string; claimedFile: string }> }
  | { type: 'drain'; id: number; deadlineMs: number }
  | { type: 'close' };

/** What the writer thread reports back, in order (never a record's content). */
export type FromWriterThread =
  /** The oldest `count` records handed over are in PostgreSQL (or quarantined with a cleaned copy). */
  | { type: 'committed'; count: number; ms: number }
  /** A transaction committed quota usage: the ledger's lease mirror follows. */
  | { type: 'charged'; committed: CommittedCharge[] }
  | { type: 'quarantined'; notice: QuarantineNotice; err: string; message: string }
  | { type: 'malformed-done'; claimedFile: string }
  | { type: 'keep-rejected'; line: string }
  | { type: 'failed'; err: string; pending: number; retryInMs: number }
  | { type: 'drained'; id: number; ok: boolean };

export interface WriterThreadData {
  role: typeof ROLE;
  databaseUrl: string;
}

export function writerThreadData(databaseUrl: string): WriterThreadData {
  return { role: ROLE, databaseUrl };
}

export function isWriterThreadData(data: unknown): data is WriterThreadData {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === ROLE;
}

/** A query's failure, carrying the driver's error as TypeORM's QueryFailedError does (SQLSTATE in `code`). */
class DriverQueryError extends Error {
  constructor(readonly driverError: Error & { code?: string }) {
    super(driverError.message);
  }
}

/** Transactions on a one-connection pg pool; a connection that failed outside SQL is discarded. */
function pgTransactions(pool: Pool): SqlTransactions {
  const runner = (client: PoolClient): SqlRunner => ({
    async query<T>(sql: string, parameters?: unknown[]): Promise<T> {
      try {
        return (await client.query(sql, parameters)).rows as T;
      } catch (error) {
        throw new DriverQueryError(error as Error);
      }
    },
  });
  return {
    async transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A connection lost between two queries is reported on the client: without a listener it
      // would end the thread (the transaction's next query then fails and is retried).
      const onError = (error: Error) => (broken = error);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(runner(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        const code = error instanceof DriverQueryError ? error.driverError.code : undefined;
        await client.query('ROLLBACK').catch((rollback: unknown) => (broken = rollback instanceof Error ? rollback : new Error(String(rollback))));
        if (!code) broken ??= error as Error;
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
  };
}

/**
 * The writer thread (worker_threads): owns a PostgreSQL connection and does the batch writer's
 * work — parsing the spooled lines, encoding the multi-row insert, the transaction with rollups
 * and quota usage, isolation of refused records — so none of it runs on the gateway's event loop
 * and none of the queued records lives on the gateway's heap. Same batching as in-thread: every
 * ~100 ms or 1,000 events, retried with backoff while PostgreSQL is away. Durability stays with
 * the spool, written in the gateway's thread before each response ends: the gateway's thread
 * deletes a segment only once this thread has reported every record in it committed.
 */
export function runUsageWriterThread(data: WriterThreadData): void {
  const port = parentPort;
  if (!port) throw new Error('the usage writer thread runs in a worker thread only');
  const post = (message: FromWriterThread) => port.postMessage(message);
  const pool = new Pool({ connectionString: data.databaseUrl, max: 1, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined); // an idle connection dropped: the next transaction reconnects
  const committer = new UsageBatchCommitter(
    pgTransactions(pool),
    { applyCommitted: applyCommittedUsage },
    {
      afterCommit: (committed) => post({ type: 'charged', committed }),
      quarantined: (notice, log) => post({ type: 'quarantined', notice, err: log.err, message: log.message }),
      keepRejected: (line) => post({ type: 'keep-rejected', line }),
    },
  );
  // Kept as spooled lines and parsed only when their batch is written: queued records are then a
  // few strings, not object graphs that outlive young-generation collections.
  const queue: string[] = [];
  const malformed: Array<{ line: string; claimedFile: string }> = [];
  let flushing: Promise<void> | undefined;
  let backoffMs = 0;
  let retryAt = 0;

  const writeBatch = async (): Promise<void> => {
    const lines = queue.slice(0, BATCH_SIZE);
    const started = Date.now();
    try {
      while (malformed.length > 0) {
        await committer.quarantineLine(malformed[0].line);
        const done = malformed.shift();
        if (done) post({ type: 'malformed-done', claimedFile: done.claimedFile });
      }
      await committer.commitIsolating(lines.map((line) => JSON.parse(line) as UsageRecord));
    } catch (error) {
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs ? backoffMs * 2 : 100);
      retryAt = Date.now() + backoffMs;
      post({ type: 'failed', err: (error as Error).message, pending: queue.length, retryInMs: backoffMs });
      return;
    }
    backoffMs = 0;
    queue.splice(0, lines.length);
    if (lines.length > 0) post({ type: 'committed', count: lines.length, ms: Date.now() - started });
  };
  const flush = (): Promise<void> => {
    if (flushing) return flushing;
    if ((queue.length === 0 && malformed.length === 0) || Date.now() < retryAt) return Promise.resolve();
    flushing = writeBatch().finally(() => (flushing = undefined));
    return flushing;
  };
  const drain = async (deadlineMs: number): Promise<boolean> => {
    const until = Date.now() + deadlineMs;
    while ((queue.length > 0 || malformed.length > 0) && Date.now() < until) {
      retryAt = 0;
      await flush();
      if (queue.length > 0 || malformed.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, backoffMs || 50)));
    }
    return queue.length === 0 && malformed.length === 0;
  };

  const timer = setInterval(() => void flush(), FLUSH_INTERVAL_MS);
  port.on('message', (message: ToWriterThread) => {
    switch (message.type) {
      case 'lines': {
        const text = message.text;
        let start = 0;
        for (let end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
          queue.push(text.slice(start, end));
        }
        if (queue.length >= BATCH_SIZE) void flush();
        break;
      }
      case 'replay':
        for (const record of message.records) queue.push(JSON.stringify(record));
        malformed.push(...message.malformed);
        break;
      case 'drain':
        void drain(message.deadlineMs).then((ok) => post({ type: 'drained', id: message.id, ok }));
        break;
      case 'close':
        clearInterval(timer);
        void pool.end().finally(() => port.close());
        break;
    }
  });
}
