import { createHash } from 'node:crypto';
import type { QuotaCharge } from '../quota/quota-charge';
import { cleanOptionalText, cleanText, MAX_ERROR_CODE_LENGTH, MAX_MODEL_NAME_LENGTH } from './safe-text';
import type { UsageRecord } from './usage-record';

const INT4_MAX = 2_147_483_647;
const SHORT_TEXT = 64;
const REPLICA_ID_MAX = 128;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;
const INT_FIELDS = ['status', 'latencyMs', 'promptTokens', 'completionTokens', 'cachedTokens', 'reasoningTokens', 'totalTokens'] as const;
/** Counts that records spooled by older versions may lack. */
const OPTIONAL_INT_FIELDS = ['cacheWriteTokens'] as const;

/**
 * A usage record whose text fields PostgreSQL can store: the edge cleaning applied when a record
 * is created, before it is spooled. Returns the record itself when nothing needed cleaning (the
 * common case allocates nothing), else a cleaned copy.
 */
export function sanitiseUsageRecord(record: UsageRecord): UsageRecord {
  const model = record.model === null ? null : cleanText(record.model, MAX_MODEL_NAME_LENGTH);
  const errorCode = record.errorCode === null ? null : cleanText(record.errorCode, MAX_ERROR_CODE_LENGTH);
  const currency = record.currency === null ? null : cleanText(record.currency, SHORT_TEXT);
  const replicaId = cleanText(record.replicaId, REPLICA_ID_MAX);
  const endpoint = cleanText(record.endpoint, SHORT_TEXT);
  let ints: Partial<Record<(typeof INT_FIELDS)[number] | (typeof OPTIONAL_INT_FIELDS)[number], number>> | undefined;
  for (const field of INT_FIELDS) {
    const value = record[field];
    if (!Number.isInteger(value) || value < 0 || value > INT4_MAX) (ints ??= {})[field] = toInt4(value);
  }
  for (const field of OPTIONAL_INT_FIELDS) {
    const value = record[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > INT4_MAX)) (ints ??= {})[field] = toInt4(value);
  }
  const ttftMs =
    record.ttftMs === null || (Number.isInteger(record.ttftMs) && record.ttftMs >= 0 && record.ttftMs <= INT4_MAX) ? record.ttftMs : toInt4(record.ttftMs);
  if (
    model === record.model &&
    errorCode === record.errorCode &&
    currency === record.currency &&
    replicaId === record.replicaId &&
    endpoint === record.endpoint &&
    ttftMs === record.ttftMs &&
    !ints
  ) {
    return record;
  }
  return { ...record, ...ints, model, errorCode, currency, replicaId, endpoint, ttftMs };
}

/**
 * The copy of a record the database refused that is committed in its place (the call keeps its
 * one event and its quota amounts): every field forced into its column's domain. Identifiers that
 * are not UUIDs become null where the column allows it; an event id that is not a UUID is replaced
 * by one derived from it, so a replay of the same raw record finds the same copy.
 */
export function repairUsageRecord(raw: UsageRecord): UsageRecord {
  // The database refused this record, so its fields may be anything its type says they are not.
  const loose = raw as unknown as Partial<Record<keyof UsageRecord, unknown>>;
  const record = sanitiseUsageRecord({
    ...raw,
    model: typeof loose.model === 'string' ? loose.model : null,
    errorCode: typeof loose.errorCode === 'string' ? loose.errorCode : null,
    currency: typeof loose.currency === 'string' ? loose.currency : null,
    replicaId: typeof loose.replicaId === 'string' ? loose.replicaId : '',
    endpoint: typeof loose.endpoint === 'string' ? loose.endpoint : String(loose.endpoint),
  });
  const id = typeof loose.id === 'string' ? loose.id : String(loose.id);
  return {
    ...record,
    id: UUID.test(id) ? id : uuidFrom(id),
    departmentId: optionalUuid(record.departmentId),
    providerId: optionalUuid(record.providerId),
    accountId: optionalUuid(record.accountId ?? null),
    stream: loose.stream === true,
    estimated: loose.estimated === true,
    cost: typeof loose.cost === 'string' && DECIMAL.test(loose.cost) ? loose.cost : '0',
    inputPrice: optionalDecimal(record.inputPrice),
    outputPrice: optionalDecimal(record.outputPrice),
    cachedInputPrice: optionalDecimal(record.cachedInputPrice),
    ...(record.cacheWriteInputPrice !== undefined ? { cacheWriteInputPrice: optionalDecimal(record.cacheWriteInputPrice) } : {}),
    quotaCharges: (Array.isArray(record.quotaCharges) ? record.quotaCharges : []).filter(isCharge),
  };
}

/** A line read back from a spool file is a usage record only if the writer can process it at all. */
export function isUsageRecordShape(value: unknown): value is UsageRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.createdAt === 'string' &&
    !Number.isNaN(Date.parse(r.createdAt)) &&
    typeof r.userId === 'string' &&
    typeof r.apiKeyId === 'string' &&
    typeof r.endpoint === 'string' &&
    typeof r.status === 'number' &&
    typeof r.totalTokens === 'number' &&
    typeof r.cost === 'string' &&
    Array.isArray(r.quotaCharges)
  );
}

function toInt4(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : 0;
  return Math.min(INT4_MAX, Math.max(0, n));
}

function optionalUuid(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value : null;
}

function optionalDecimal(value: unknown): string | null {
  return typeof value === 'string' && DECIMAL.test(value) ? value : null;
}

function isCharge(value: unknown): value is QuotaCharge {
  const c = value as QuotaCharge | null;
  return typeof c?.quotaId === 'string' && UUID.test(c.quotaId) && typeof c.periodStart === 'string' && !Number.isNaN(Date.parse(c.periodStart));
}

/** A UUID (version 8, name-based) derived from arbitrary text. */
function uuidFrom(text: string): string {
  const hex = createHash('sha256')
    .update(cleanOptionalText(text, 10_000) ?? '')
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
