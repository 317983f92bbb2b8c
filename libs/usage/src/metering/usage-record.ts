import type { QuotaCharge } from '../quota/quota-charge';

/**
 * One metered call as the gateway produces it: spooled as one NDJSON line, then written to
 * `usage_events` (and rolled up) in batches. Field names match the API's usage event.
 */
export interface UsageRecord {
  id: string;
  /** ISO-8601 instant the call was received. */
  createdAt: string;
  userId: string;
  departmentId: string | null;
  apiKeyId: string;
  providerId: string | null;
  /** The upstream account that answered (absent in records spooled before accounts existed). */
  accountId?: string | null;
  model: string | null;
  /** `chat.completions`, `embeddings`, `completions`, `messages`, `responses`, or a passed-through route. */
  endpoint: string;
  stream: boolean;
  status: number;
  latencyMs: number;
  ttftMs: number | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the provider's cache (absent in records spooled before it existed). */
  cacheWriteTokens?: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Decimal string, exact. */
  cost: string;
  currency: string | null;
  inputPrice: string | null;
  outputPrice: string | null;
  cachedInputPrice: string | null;
  cacheWriteInputPrice?: string | null;
  /** True when the counts are the gateway's estimate rather than the provider's own. */
  estimated: boolean;
  errorCode: string | null;
  /** Quotas (and their periods) this call was admitted against; the writer commits usage to them. */
  quotaCharges: QuotaCharge[];
  /** The gateway replica whose lease covered the reservation. */
  replicaId: string;
}
