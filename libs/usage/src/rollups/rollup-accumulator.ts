import type { SqlRunner } from '../metering/sql-runner';
import type { UsageRecord } from '../metering/usage-record';
import { formatDecimal, parseDecimal, Fixed } from '../pricing/decimal';

const QUARTER_HOUR_MS = 15 * 60 * 1000;

/**
 * Quarter-hour buckets aligned to UTC. Every real time-zone offset is a multiple of 15 minutes,
 * so a day (or hour) in any APP_TIMEZONE is an exact union of these buckets.
 */
export function quarterHourStart(instant: string | Date): Date {
  const ms = new Date(instant).getTime();
  return new Date(ms - (((ms % QUARTER_HOUR_MS) + QUARTER_HOUR_MS) % QUARTER_HOUR_MS));
}

interface RollupRow {
  bucketStart: string;
  userId: string;
  departmentId: string | null;
  providerId: string | null;
  accountId: string | null;
  model: string | null;
  currency: string | null;
  requests: number;
  failedRequests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  cost: Fixed;
  cacheWriteTokens: number;
}

/** Sums a batch of events per rollup key in memory, so each key is upserted once per batch. */
export class RollupAccumulator {
  private readonly rows = new Map<string, RollupRow>();

  add(record: UsageRecord): void {
    const bucketStart = quarterHourStart(record.createdAt).toISOString();
    const key = [bucketStart, record.userId, record.departmentId, record.providerId, record.accountId ?? null, record.model, record.currency].join('|');
    let row = this.rows.get(key);
    if (!row) {
      row = {
        bucketStart,
        userId: record.userId,
        departmentId: record.departmentId,
        providerId: record.providerId,
        accountId: record.accountId ?? null,
        model: record.model,
        currency: record.currency,
        requests: 0,
        failedRequests: 0,
        promptTokens: 0,
        completionTokens: 0,
        cachedTokens: 0,
        reasoningTokens: 0,
        totalTokens: 0,
        cost: 0n,
        cacheWriteTokens: 0,
      };
      this.rows.set(key, row);
    }
    row.requests++;
    if (record.status >= 400) row.failedRequests++;
    row.promptTokens += record.promptTokens;
    row.completionTokens += record.completionTokens;
    row.cachedTokens += record.cachedTokens;
    row.reasoningTokens += record.reasoningTokens;
    row.totalTokens += record.totalTokens;
    row.cost += parseDecimal(record.cost);
    row.cacheWriteTokens += record.cacheWriteTokens ?? 0;
  }

  /** Rows in key order: concurrent writers then lock rollup rows in the same order and never deadlock. */
  sorted(): RollupRow[] {
    return [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }

  get size(): number {
    return this.rows.size;
  }
}

const UPSERT_ROLLUPS_SQL = `
  INSERT INTO usage_rollups (bucket_start, user_id, department_id, provider_id, model, currency, requests, failed_requests,
    prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens, cost, cache_write_tokens, account_id)
  SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::int8[], $8::int8[],
    $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::numeric[], $15::int8[], $16::uuid[])
  ON CONFLICT ON CONSTRAINT usage_rollups_key DO UPDATE SET
    requests = usage_rollups.requests + EXCLUDED.requests,
    failed_requests = usage_rollups.failed_requests + EXCLUDED.failed_requests,
    prompt_tokens = usage_rollups.prompt_tokens + EXCLUDED.prompt_tokens,
    completion_tokens = usage_rollups.completion_tokens + EXCLUDED.completion_tokens,
    cached_tokens = usage_rollups.cached_tokens + EXCLUDED.cached_tokens,
    reasoning_tokens = usage_rollups.reasoning_tokens + EXCLUDED.reasoning_tokens,
    total_tokens = usage_rollups.total_tokens + EXCLUDED.total_tokens,
    cost = usage_rollups.cost + EXCLUDED.cost,
    cache_write_tokens = usage_rollups.cache_write_tokens + EXCLUDED.cache_write_tokens`;

export async function addRollups(manager: SqlRunner, rollups: RollupAccumulator): Promise<void> {
  if (rollups.size === 0) return;
  const rows = rollups.sorted();
  await manager.query(UPSERT_ROLLUPS_SQL, [
    rows.map((r) => r.bucketStart),
    rows.map((r) => r.userId),
    rows.map((r) => r.departmentId),
    rows.map((r) => r.providerId),
    rows.map((r) => r.model),
    rows.map((r) => r.currency),
    rows.map((r) => r.requests),
    rows.map((r) => r.failedRequests),
    rows.map((r) => r.promptTokens),
    rows.map((r) => r.completionTokens),
    rows.map((r) => r.cachedTokens),
    rows.map((r) => r.reasoningTokens),
    rows.map((r) => r.totalTokens),
    rows.map((r) => formatDecimal(r.cost)),
    rows.map((r) => r.cacheWriteTokens),
    rows.map((r) => r.accountId),
  ]);
}
