import type { UsageEventDto } from './dto/usage-response.dto';

/** A `usage_events` row as `UsageEventsService` selects it. */
export interface UsageEventRow {
  id: string;
  created_at: Date;
  user_id: string;
  department_id: string | null;
  api_key_id: string;
  provider_id: string | null;
  model: string | null;
  endpoint: string;
  stream: boolean;
  status: number;
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost: string;
  currency: string | null;
  estimated: boolean;
  error_code: string | null;
  account_id: string | null;
}

export function toUsageEventDto(row: UsageEventRow): UsageEventDto {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    userId: row.user_id,
    departmentId: row.department_id,
    apiKeyId: row.api_key_id,
    providerId: row.provider_id,
    model: row.model,
    endpoint: row.endpoint,
    stream: row.stream,
    status: row.status,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    totalTokens: row.total_tokens,
    cost: row.cost,
    currency: row.currency,
    estimated: row.estimated,
    errorCode: row.error_code,
    accountId: row.account_id,
  };
}
