import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TimeseriesBucket } from './dto/usage-timeseries.dto';
import type { SummaryDimension, SummaryScope } from './usage-summary.service';

/** The rollup column each dimension splits by, as text (ids and model names alike). */
const KEY_COLUMN: Record<SummaryDimension, string> = {
  department: 'department_id::text',
  user: 'user_id::text',
  model: 'model',
  provider: 'provider_id::text',
  account: 'account_id::text',
};

/** Current names for a dimension's keys (models are their own name). */
const LABEL_SQL: Partial<Record<SummaryDimension, string>> = {
  department: `SELECT id::text AS key, name AS label, NULL AS detail FROM departments WHERE id::text = ANY($1)`,
  user: `SELECT id::text AS key, name AS label, email AS detail FROM users WHERE id::text = ANY($1)`,
  provider: `SELECT id::text AS key, name AS label, NULL AS detail FROM providers WHERE id::text = ANY($1)`,
  account: `SELECT a.id::text AS key, a.name AS label, p.name AS detail FROM provider_accounts a LEFT JOIN providers p ON p.id = a.provider_id WHERE a.id::text = ANY($1)`,
};

/** One bucket of one series in one currency, as summed by the database. */
export interface SeriesCell {
  /** Start of the bucket (an instant: local midnight or the hour in APP_TIMEZONE). */
  bucket: Date;
  /** The group's value; null for no value, for the folded rest (`other`) and without a split. */
  key: string | null;
  other: boolean;
  currency: string | null;
  requests: number;
  failedRequests: number;
  totalTokens: number;
  cost: string;
}

export interface SeriesLabel {
  key: string;
  label: string | null;
  detail: string | null;
}

export interface TimeseriesWindow {
  from: Date;
  to: Date;
  unit: TimeseriesBucket;
  timezone: string;
}

/**
 * Usage over time from the quarter-hour rollups, split by a dimension: the groups are ranked by
 * tokens (then requests) over the whole window in the database, the first `limit` kept apart and
 * the rest summed as one, so the answer has at most (limit + 1) × buckets × currencies rows
 * however many users or models there are.
 */
@Injectable()
export class UsageTimeseriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async cells(
    window: TimeseriesWindow,
    groupBy: SummaryDimension | null,
    scope: SummaryScope,
    limit: number,
  ): Promise<{ cells: SeriesCell[]; groups: number }> {
    const params: unknown[] = [window.from, window.to, window.timezone, limit];
    const filters: string[] = [];
    if (scope.departmentId) filters.push(`department_id = $${params.push(scope.departmentId)}`);
    if (scope.userId) filters.push(`user_id = $${params.push(scope.userId)}`);
    const unit = window.unit === 'hour' ? 'hour' : 'day';
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH base AS (
         SELECT date_trunc('${unit}', bucket_start AT TIME ZONE $3) AT TIME ZONE $3 AS bucket, ${groupBy ? KEY_COLUMN[groupBy] : 'NULL::text'} AS key, currency,
                sum(requests) AS requests, sum(failed_requests) AS failed, sum(total_tokens) AS total, sum(cost) AS cost
         FROM usage_rollups
         WHERE bucket_start >= date_trunc('${unit}', $1::timestamptz AT TIME ZONE $3) AT TIME ZONE $3 AND bucket_start < $2${filters.map((f) => ` AND ${f}`).join('')}
         GROUP BY 1, 2, 3
       ),
       ranked AS (
         SELECT key, row_number() OVER (ORDER BY sum(total) DESC, sum(requests) DESC, key NULLS LAST) AS rank, count(*) OVER () AS groups
         FROM base GROUP BY key
       )
       SELECT b.bucket, CASE WHEN k.rank <= $4 THEN b.key END AS key, k.rank > $4 AS other, max(k.groups) AS groups, b.currency,
              sum(b.requests)::bigint AS requests, sum(b.failed)::bigint AS failed, sum(b.total)::bigint AS total, sum(b.cost)::text AS cost
       FROM base b JOIN ranked k ON k.key IS NOT DISTINCT FROM b.key
       GROUP BY 1, 2, 3, 5
       ORDER BY 1`,
      params,
    );
    return {
      groups: rows.length ? Number(rows[0].groups) : 0,
      cells: rows.map((row) => ({
        bucket: row.bucket as Date,
        key: row.key as string | null,
        other: row.other === true,
        currency: row.currency as string | null,
        requests: Number(row.requests),
        failedRequests: Number(row.failed),
        totalTokens: Number(row.total),
        cost: (row.cost as string | null) ?? '0',
      })),
    };
  }

  /** Names for the kept groups' keys, as they are now. */
  async labels(groupBy: SummaryDimension, keys: string[]): Promise<SeriesLabel[]> {
    const sql = LABEL_SQL[groupBy];
    if (!sql || !keys.length) return keys.map((key) => ({ key, label: key, detail: null }));
    return this.dataSource.query(sql, [keys]);
  }
}
