import type { UsageRecord } from './usage-record';

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
  ['account_id', 'uuid'],
] as const;

/** Multi-row insert of a batch (one array parameter per column), idempotent on the event id. */
export const INSERT_EVENTS_SQL = `
  INSERT INTO usage_events (${EVENT_COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${EVENT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT DO NOTHING
  RETURNING id`;

/** The batch as one array per column, in EVENT_COLUMNS order. */
export function eventColumns(records: UsageRecord[]): unknown[][] {
  const columns: unknown[][] = EVENT_COLUMNS.map(() => new Array<unknown>(records.length));
  records.forEach((r, i) => {
    const values = [
      r.id,
      r.createdAt,
      r.userId,
      r.departmentId,
      r.apiKeyId,
      r.providerId,
      r.model,
      r.endpoint,
      r.stream,
      r.status,
      r.latencyMs,
      r.ttftMs,
      r.promptTokens,
      r.completionTokens,
      r.cachedTokens,
      r.reasoningTokens,
      r.totalTokens,
      r.cost,
      r.currency,
      r.inputPrice,
      r.outputPrice,
      r.cachedInputPrice,
      r.estimated,
      r.errorCode,
      r.cacheWriteTokens ?? 0,
      r.cacheWriteInputPrice ?? null,
      r.accountId ?? null,
    ];
    values.forEach((value, c) => (columns[c][i] = value));
  });
  return columns;
}
