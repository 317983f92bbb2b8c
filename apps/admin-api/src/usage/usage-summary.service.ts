import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { formatDecimal, parseDecimal } from '@app/usage';
import type { UsageSummaryDto, UsageSummaryRowDto } from './dto/usage-response.dto';

export const SUMMARY_RANGES = ['today', '1h', '5h', '24h', '7d', '30d', 'month'] as const;
export type SummaryRange = (typeof SUMMARY_RANGES)[number];
export const SUMMARY_DIMENSIONS = ['department', 'user', 'model', 'provider', 'account'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const WINDOWS_MS: Partial<Record<SummaryRange, number>> = {
  '1h': 3_600_000,
  '5h': 5 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/** Per dimension: what to select (ids and current names), how to join the names, what to group by. */
const DIMENSION_SQL: Record<SummaryDimension, { select: string; join: string; group: string }> = {
  department: {
    select: `r.department_id AS "departmentId", d.name AS department`,
    join: 'LEFT JOIN departments d ON d.id = r.department_id',
    group: 'r.department_id, d.name',
  },
  user: {
    select: `r.user_id AS "userId", u.email AS "user", u.name AS "userName"`,
    join: 'LEFT JOIN users u ON u.id = r.user_id',
    group: 'r.user_id, u.email, u.name',
  },
  model: { select: `r.model AS model`, join: '', group: 'r.model' },
  provider: {
    select: `r.provider_id AS "providerId", p.name AS provider`,
    join: 'LEFT JOIN providers p ON p.id = r.provider_id',
    group: 'r.provider_id, p.name',
  },
  account: {
    select: `r.account_id AS "accountId", a.name AS account, r.provider_id AS "providerId", p.name AS provider`,
    join: 'LEFT JOIN provider_accounts a ON a.id = r.account_id LEFT JOIN providers p ON p.id = r.provider_id',
    group: 'r.account_id, a.name, r.provider_id, p.name',
  },
};

export interface SummaryScope {
  departmentId?: string | null;
  userId?: string | null;
}

/** SQL conditions (and their parameters, appended to `params`) for a department or user scope. */
function scopeFilters(scope: SummaryScope, params: unknown[]): string[] {
  const filters: string[] = [];
  if (scope.departmentId) {
    params.push(scope.departmentId);
    filters.push(`department_id = $${params.length}`);
  }
  if (scope.userId) {
    params.push(scope.userId);
    filters.push(`user_id = $${params.length}`);
  }
  return filters;
}

/**
 * "How much today / in the last 5 hours / this month", from the quarter-hour rollups. Windows
 * that do not start on a quarter hour (1h, 5h, ...) read the few raw events of their first
 * partial bucket through the time index, so the figures are exact and no report scans history.
 */
@Injectable()
export class UsageSummaryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  bounds(range: SummaryRange, now = new Date()): { from: Date; to: Date } {
    const window = WINDOWS_MS[range];
    if (window) return { from: new Date(now.getTime() - window), to: now };
    const local = DateTime.fromJSDate(now, { zone: this.config.timezone });
    return { from: local.startOf(range === 'month' ? 'month' : 'day').toJSDate(), to: now };
  }

  async summary(range: SummaryRange, groupBy: SummaryDimension | undefined, scope: SummaryScope, limit = 100, now = new Date()): Promise<UsageSummaryDto> {
    const { from, to } = this.bounds(range, now);
    const edge = new Date(Math.ceil(from.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS);
    const params: unknown[] = [from, edge, to];
    const filters = scopeFilters(scope, params);
    const extra = filters.length ? ` AND ${filters.join(' AND ')}` : '';
    const dimension = groupBy ? DIMENSION_SQL[groupBy] : undefined;
    params.push(Math.min(Math.max(limit, 1), 1000));
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH r AS (
         SELECT user_id, department_id, provider_id, account_id, model, currency, requests, failed_requests, prompt_tokens, completion_tokens,
                cached_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost
         FROM usage_rollups WHERE bucket_start >= $2 AND bucket_start < $3${extra}
         UNION ALL
         SELECT user_id, department_id, provider_id, account_id, model, currency, 1, (status >= 400)::int, prompt_tokens, completion_tokens,
                cached_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost
         FROM usage_events WHERE created_at >= $1 AND created_at < $2 AND created_at < $3${extra}
       )
       SELECT ${dimension ? `${dimension.select},` : ''} r.currency,
              sum(r.requests)::bigint AS requests, sum(r.failed_requests)::bigint AS failed, sum(r.prompt_tokens)::bigint AS prompt,
              sum(r.completion_tokens)::bigint AS completion, sum(r.cached_tokens)::bigint AS cached, sum(r.cache_write_tokens)::bigint AS cache_write,
              sum(r.reasoning_tokens)::bigint AS reasoning, sum(r.total_tokens)::bigint AS total, sum(r.cost)::text AS cost
       FROM r ${dimension?.join ?? ''}
       GROUP BY ${dimension ? `${dimension.group}, ` : ''}r.currency
       ORDER BY total DESC, requests DESC
       LIMIT $${params.length}`,
      params,
    );
    const attempts = groupBy === 'account' ? await this.failedAttempts(from, to) : undefined;
    return {
      range,
      from: from.toISOString(),
      to: to.toISOString(),
      rows: rows.map((row): UsageSummaryRowDto => {
        const { currency, requests, failed, prompt, completion, cached, cache_write: cacheWrite, reasoning, total, cost, ...dimensions } = row;
        return {
          ...(dimensions as Partial<UsageSummaryRowDto>),
          requests: Number(requests),
          failedRequests: Number(failed),
          promptTokens: Number(prompt),
          completionTokens: Number(completion),
          cachedTokens: Number(cached),
          cacheWriteTokens: Number(cacheWrite),
          reasoningTokens: Number(reasoning),
          totalTokens: Number(total),
          cost: formatDecimal(parseDecimal((cost as string | null) ?? '0')),
          currency: currency as string | null,
          ...(attempts ? { failedAttempts: attempts.get(dimensions.accountId as string) ?? 0 } : {}),
        };
      }),
    };
  }

  /**
   * Failed attempts per account (retried on another account or answered as errors; not usage
   * events) in the quarter hours overlapping the window. Accounts are shared, so this is never
   * narrowed to a department or user.
   */
  private async failedAttempts(from: Date, to: Date): Promise<Map<string, number>> {
    const rows: Array<{ account_id: string; n: string }> = await this.dataSource.query(
      `SELECT account_id, sum(failed_attempts)::bigint AS n FROM provider_account_attempts
       WHERE bucket_start > $1::timestamptz - interval '15 minutes' AND bucket_start < $2 GROUP BY account_id`,
      [from, to],
    );
    return new Map(rows.map((row) => [row.account_id, Number(row.n)]));
  }
}
