import type { DataSource } from 'typeorm';

/** A usage event as the gateway suites read it back. */
export interface UsageEventRow {
  id: string;
  status: number;
  model: string | null;
  endpoint: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost: string;
  estimated: boolean;
  error_code: string | null;
  ttft_ms: number | null;
  provider_id: string | null;
}

/** The usage event of a call, by its `x-request-id`, once the metering writer has stored it (within ~5 s). */
export async function usageEventFor(dataSource: DataSource, requestId: string | null): Promise<UsageEventRow> {
  expect(requestId).toBeTruthy();
  for (let i = 0; i < 100; i++) {
    const rows: UsageEventRow[] = await dataSource.query(
      `SELECT id, status, model, endpoint, stream, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
              total_tokens, cost::text, estimated, error_code, ttft_ms, provider_id
       FROM usage_events WHERE id = $1`,
      [requestId],
    );
    if (rows[0]) return rows[0];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no usage event for ${requestId}`);
}
