import type { SqlRunner } from './sql-runner';
import { cleanText } from './safe-text';

/** One refused usage record, as kept in `usage_quarantine`. */
export interface QuarantineEntry {
  /** The id the event was committed under (or would have been). */
  eventId: string;
  /** The record exactly as it was spooled, as JSON text. */
  raw: string;
  /** The database's message (or why the record could not be processed at all). */
  error: string;
  sqlstate: string | null;
  cleanedCopyCommitted: boolean;
}

/** What observers (metrics, logs) learn about a quarantined record: never its content. */
export type QuarantineNotice = Pick<QuarantineEntry, 'eventId' | 'sqlstate' | 'cleanedCopyCommitted'>;

const MAX_ERROR_TEXT = 2_000;

/**
 * A record our own code could not turn into rows (a cost that is not a decimal, a field of the
 * wrong type in a replayed spool line): a property of the record, like a SQL data error, and
 * handled the same way.
 */
class RecordDataError extends Error {}

/** The SQLSTATE of a database error, when it has one. */
export function sqlStateOf(error: unknown): string | null {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * True when an error is about the records written rather than the database being away: SQLSTATE
 * class 22 (data exception: NUL byte, bad number, bad UUID) and 23 (integrity constraint), 54000
 * (program limit: an index entry too large, e.g. a huge label in a rollup key), and our own
 * RecordDataError. Connection errors have no SQLSTATE (or class 08/57) and are retried whole.
 */
export function isRecordError(error: unknown): boolean {
  if (error instanceof RecordDataError) return true;
  const state = sqlStateOf(error);
  return state !== null && (state.startsWith('22') || state.startsWith('23') || state === '54000');
}

/**
 * Rethrows database errors as they are (TypeORM's QueryFailedError, or the writer thread's own
 * wrapper: both carry the driver's error) and turns anything else thrown while building rows into
 * a RecordDataError.
 */
export function asRecordError(error: unknown): unknown {
  if (error instanceof RecordDataError || isDriverError(error)) return error;
  return new RecordDataError((error as Partial<Error> | null | undefined)?.message ?? String(error));
}

/** An error a query raised (it carries the driver's error), as opposed to one our code threw. */
function isDriverError(error: unknown): boolean {
  const driverError = (error as { driverError?: unknown } | null)?.driverError;
  return typeof driverError === 'object' && driverError !== null;
}

/** The message stored with a quarantined record: storable whatever the database said. */
export function quarantineMessage(error: unknown): string {
  return cleanText(String((error as Partial<Error> | null | undefined)?.message ?? error), MAX_ERROR_TEXT);
}

/** Idempotent on the event id: a replay of the same poison keeps one row. */
export async function addToQuarantine(manager: SqlRunner, entry: QuarantineEntry): Promise<void> {
  await manager.query(
    `INSERT INTO usage_quarantine (event_id, raw, error, sqlstate, cleaned_copy_committed)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_id) DO NOTHING`,
    [entry.eventId, entry.raw, entry.error, entry.sqlstate, entry.cleanedCopyCommitted],
  );
}
