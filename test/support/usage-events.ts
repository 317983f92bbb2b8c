import type { DataSource } from 'typeorm';
import { waitFor } from '@app/core/testing';
import type { UsageEventRow as StoredUsageEventRow } from '../../apps/admin-api/src/usage/usage-event.mapper';

/** A usage event as the gateway suites read it back: the columns of the stored row they check. */
export type UsageEventRow = Pick<
  StoredUsageEventRow,
  | 'id'
  | 'status'
  | 'model'
  | 'endpoint'
  | 'stream'
  | 'prompt_tokens'
  | 'completion_tokens'
  | 'cached_tokens'
  | 'cache_write_tokens'
  | 'reasoning_tokens'
  | 'total_tokens'
  | 'cost'
  | 'estimated'
  | 'error_code'
  | 'ttft_ms'
  | 'provider_id'
>;

/** The usage event of a call, by its `x-request-id`, once the metering writer has stored it (within ~5 s). */
export async function usageEventFor(dataSource: DataSource, requestId: string | null): Promise<UsageEventRow> {
  expect(requestId).toBeTruthy();
  return waitFor(
    async () => {
      const [row] = await dataSource.query<Array<UsageEventRow | undefined>>(
        `SELECT id, status, model, endpoint, stream, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
              total_tokens, cost::text, estimated, error_code, ttft_ms, provider_id
       FROM usage_events WHERE id = $1`,
        [requestId],
      );
      return row;
    },
    `the usage event of ${String(requestId)}`,
    { timeoutMs: 5_000, intervalMs: 50 },
  );
}
