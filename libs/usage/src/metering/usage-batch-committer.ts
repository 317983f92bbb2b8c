import { createHash } from 'node:crypto';
import type { SqlRunner, SqlTransactions } from './sql-runner';
import type { UsageRecord } from './usage-record';
import { eventColumns, INSERT_EVENTS_SQL } from './usage-event-rows';
import { repairUsageRecord } from './usage-record-cleaning';
import { addToQuarantine, asRecordError, isRecordError, QuarantineEntry, QuarantineNotice, quarantineMessage, sqlStateOf } from './usage-quarantine';
import { addRollups, RollupAccumulator } from '../rollups/rollup-accumulator';

export interface CommittedCharge {
  charges: UsageRecord['quotaCharges'];
  replicaId: string;
  tokens: number;
  cost: string;
}

/** Commits quota usage for newly inserted events inside the writer's transaction. */
export interface CommittedUsageSink {
  applyCommitted(sql: SqlRunner, committed: CommittedCharge[]): Promise<void>;
  /** Called once the transaction that applied `committed` has committed. */
  afterCommit?(committed: CommittedCharge[]): void;
}

/** What the committer reports as it goes (never a record's content). */
export interface CommitterEvents {
  /** A transaction committed quota usage: the ledger's mirror follows (one call per transaction). */
  afterCommit(committed: CommittedCharge[]): void;
  /** A record (or a spooled line) went to the quarantine. */
  quarantined(notice: QuarantineNotice, logFields: { err: string; message: string }): void;
  /** The quarantine table refused an entry too: kept in a file beside the spool. */
  keepRejected(line: string): void;
}

/**
 * The database half of the usage writer, the same in the gateway's thread and in the writer
 * thread: ONE transaction per batch — a multi-row insert of the events (idempotent on their id, so
 * replays are harmless), rollup upserts for the rows actually inserted, and the quota commit.
 * No record can stop the others (DESIGN.md §5): when the database refuses a batch for its data,
 * the batch is split until the refused record is alone; that record goes to the quarantine with
 * the database's message and a cleaned copy of it is committed in its place.
 */
export class UsageBatchCommitter {
  constructor(
    private readonly db: SqlTransactions,
    private readonly quotaSink: Pick<CommittedUsageSink, 'applyCommitted'>,
    private readonly events: CommitterEvents,
  ) {}

  /**
   * Commits the records in one transaction; if the database refuses them for their data, in
   * halves, down to the one record refused, which is quarantined. Parts already committed stay
   * committed if a later part fails for another reason: the retry finds them by id and skips them.
   */
  async commitIsolating(batch: UsageRecord[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.commit(batch);
    } catch (error) {
      if (!isRecordError(error)) throw error;
      if (batch.length === 1) return this.quarantine(batch[0], error);
      const half = Math.ceil(batch.length / 2);
      await this.commitIsolating(batch.slice(0, half));
      await this.commitIsolating(batch.slice(half));
    }
  }

  /** A replayed spool line that is JSON but no usage record: quarantined as it is. */
  async quarantineLine(line: string): Promise<void> {
    const eventId = `line:${createHash('sha256').update(line).digest('hex').slice(0, 32)}`;
    const entry: QuarantineEntry = { eventId, raw: line, error: 'spooled line is not a usage record', sqlstate: null, cleanedCopyCommitted: false };
    await this.storeQuarantineOnly(entry);
    this.events.quarantined(
      { eventId, sqlstate: null, cleanedCopyCommitted: false },
      { err: entry.error, message: 'spooled line is not a usage record: quarantined' },
    );
  }

  private async commit(records: UsageRecord[], inTransaction?: (sql: SqlRunner) => Promise<void>): Promise<void> {
    const charged = await this.db.transaction(async (sql) => {
      const result = await this.persist(sql, records);
      await inTransaction?.(sql);
      return result;
    });
    if (charged.length > 0) this.events.afterCommit(charged);
  }

  /** Returns the quota usage it committed (for newly inserted events only). */
  private async persist(sql: SqlRunner, records: UsageRecord[]): Promise<CommittedCharge[]> {
    try {
      const inserted = await sql.query<Array<{ id: string }>>(INSERT_EVENTS_SQL, eventColumns(records));
      if (inserted.length === 0) return [];
      const fresh = new Set(inserted.map((row) => row.id));
      const newRecords = records.filter((r) => fresh.has(r.id));
      const rollups = new RollupAccumulator();
      for (const record of newRecords) rollups.add(record);
      await addRollups(sql, rollups);
      const charged = newRecords
        .filter((r) => r.quotaCharges.length > 0)
        .map((r) => ({ charges: r.quotaCharges, replicaId: r.replicaId, tokens: r.totalTokens, cost: r.cost }));
      if (charged.length > 0) await this.quotaSink.applyCommitted(sql, charged);
      return charged;
    } catch (error) {
      throw asRecordError(error);
    }
  }

  /**
   * The raw record goes to `usage_quarantine` with the database's message, in the same transaction
   * as a cleaned copy of it (same id, same amounts, same quota charges), so the call keeps exactly
   * one event. If even the copy is refused, the quarantine row alone is committed (and if the
   * quarantine cannot take it either, it is kept in a file beside the spool).
   */
  private async quarantine(raw: UsageRecord, error: unknown): Promise<void> {
    const copy = repairUsageRecord(raw);
    const entry: QuarantineEntry = {
      eventId: copy.id,
      raw: JSON.stringify(raw),
      error: quarantineMessage(error),
      sqlstate: sqlStateOf(error),
      cleanedCopyCommitted: true,
    };
    try {
      await this.commit([copy], (sql) => addToQuarantine(sql, entry));
    } catch (second) {
      if (!isRecordError(second)) throw second;
      entry.cleanedCopyCommitted = false;
      entry.error = quarantineMessage(`${entry.error}; the cleaned copy was refused too: ${quarantineMessage(second)}`);
      await this.storeQuarantineOnly(entry);
    }
    this.events.quarantined(
      { eventId: entry.eventId, sqlstate: entry.sqlstate, cleanedCopyCommitted: entry.cleanedCopyCommitted },
      { err: entry.error, message: 'usage record refused by the database: quarantined' },
    );
  }

  private async storeQuarantineOnly(entry: QuarantineEntry): Promise<void> {
    try {
      await this.db.transaction((sql) => addToQuarantine(sql, entry));
    } catch (error) {
      if (!isRecordError(error)) throw error;
      this.events.keepRejected(JSON.stringify({ ...entry, quarantineError: quarantineMessage(error) }));
    }
  }
}
