import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { formatDecimal, parseDecimal } from '@app/usage';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { invalid } from '../common/errors';
import { REPORT_DIMENSIONS, ReportDimension, UsageReportQueryDto } from './dto/usage-report-query.dto';

const FETCH_ROWS = 2000;
const MAX_DAYS = 400;

/**
 * Per dimension: the key the rollups are grouped by (ids, never names, so the aggregate hashes
 * compact values), then the current name shown for it, joined onto the aggregate's few rows.
 */
const DIMENSIONS: Record<ReportDimension, { key: string; select: string; join: string }> = {
  department: { key: 'r.department_id', select: `coalesce(d.name, '') AS department`, join: 'LEFT JOIN departments d ON d.id = a.k_department' },
  user: { key: 'r.user_id', select: `coalesce(u.email, a.k_user::text) AS "user"`, join: 'LEFT JOIN users u ON u.id = a.k_user' },
  model: { key: 'r.model', select: `coalesce(a.k_model, '') AS model`, join: '' },
  provider: { key: 'r.provider_id', select: `coalesce(p.name, '') AS provider`, join: 'LEFT JOIN providers p ON p.id = a.k_provider' },
  account: { key: 'r.account_id', select: `coalesce(pa.name, '') AS account`, join: 'LEFT JOIN provider_accounts pa ON pa.id = a.k_account' },
  day: { key: '(r.bucket_start AT TIME ZONE $3)::date', select: `to_char(a.k_day, 'YYYY-MM-DD') AS day`, join: '' },
};

const METRIC_COLUMNS = [
  'requests',
  'failed_requests',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'total_tokens',
  'cost',
  'currency',
];

/**
 * A spreadsheet would run a cell starting with one of these as a formula (CSV injection). Only
 * text columns (names) can hold one; they get a leading apostrophe. Numbers are left alone.
 */
function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One aggregate row as PostgreSQL returns it: dimensions and `::text` sums as text, integer sums as numbers. */
type ReportRow = Record<string, string | number | null>;

/**
 * Finance's CSV: rows grouped by the chosen dimensions and currency (currencies are never summed
 * together), read from the quarter-hour rollups through a server-side cursor and streamed row
 * by row, so a year of a large company's usage never sits in memory. Days are in APP_TIMEZONE.
 */
@Injectable()
export class UsageReportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly scope: ScopePolicy,
  ) {}

  plan(caller: Caller, query: UsageReportQueryDto) {
    const departmentId = this.scope.readableDepartment(caller, query.departmentId);
    const zone = this.config.timezone;
    const from = DateTime.fromISO(query.from, { zone });
    const to = DateTime.fromISO(query.to, { zone });
    if (!from.isValid) throw invalid('from is not a valid date');
    if (!to.isValid) throw invalid('to is not a valid date');
    if (to < from) throw invalid('to must not be before from');
    if (to.diff(from, 'days').days > MAX_DAYS) throw invalid(`a report covers at most ${MAX_DAYS} days`);
    const requested = (query.groupBy ?? 'department').split(',') as ReportDimension[];
    const dimensions = REPORT_DIMENSIONS.filter((dimension) => requested.includes(dimension)); // contract order
    return {
      dimensions,
      departmentId,
      start: from.startOf('day').toJSDate(),
      end: to.plus({ days: 1 }).startOf('day').toJSDate(),
      filename: `tollgate-usage-${query.from}-to-${query.to}.csv`,
    };
  }

  /**
   * Result rows in batches. Without `user` or `day` the result is small (departments × models ×
   * providers × currencies), so one plain query runs — PostgreSQL may then scan in parallel,
   * which it never does for a cursor. With them, a server-side cursor bounds memory.
   */
  private async *batches(sql: string, params: unknown[], dimensions: ReportDimension[]): AsyncGenerator<ReportRow[]> {
    if (!dimensions.includes('user') && !dimensions.includes('day')) {
      const rows = await this.dataSource.query<ReportRow[]>(sql, params);
      for (let i = 0; i < rows.length; i += FETCH_ROWS) yield rows.slice(i, i + FETCH_ROWS);
      return;
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      // The whole result is read: plan for total time, not for the first rows (the cursor default).
      await runner.query(`SET LOCAL cursor_tuple_fraction = 1.0`);
      // Enough memory to hash-aggregate a month of rollups instead of sorting them on disk.
      await runner.query(`SET LOCAL work_mem = '128MB'`);
      await runner.query(`DECLARE usage_report NO SCROLL CURSOR FOR ${sql}`, params);
      for (;;) {
        const rows = (await runner.query(`FETCH ${FETCH_ROWS} FROM usage_report`)) as ReportRow[];
        yield rows;
        if (rows.length < FETCH_ROWS) break;
      }
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }

  async write(plan: ReturnType<UsageReportService['plan']>, out: Writable): Promise<void> {
    const parts = plan.dimensions.map((dimension) => DIMENSIONS[dimension]);
    const params: unknown[] = [plan.start, plan.end, this.config.timezone];
    let scope = '';
    if (plan.departmentId) {
      params.push(plan.departmentId);
      scope = ` AND r.department_id = $${params.length}`;
    }
    const keys = plan.dimensions.map((dimension, i) => `${parts[i].key} AS k_${dimension}`);
    const sql = `
      SELECT ${[...parts.map((part) => part.select), 'a.currency'].join(', ')},
             a.requests, a.failed_requests, a.prompt_tokens, a.completion_tokens, a.cached_tokens, a.cache_write_tokens, a.reasoning_tokens, a.total_tokens, a.cost
      FROM (
        SELECT ${[...keys, 'r.currency'].join(', ')},
               sum(r.requests)::bigint AS requests, sum(r.failed_requests)::bigint AS failed_requests,
               sum(r.prompt_tokens)::bigint AS prompt_tokens, sum(r.completion_tokens)::bigint AS completion_tokens,
               sum(r.cached_tokens)::bigint AS cached_tokens, sum(r.cache_write_tokens)::bigint AS cache_write_tokens, sum(r.reasoning_tokens)::bigint AS reasoning_tokens,
               sum(r.total_tokens)::bigint AS total_tokens, sum(r.cost)::text AS cost
        FROM usage_rollups r
        WHERE r.bucket_start >= $1 AND r.bucket_start < $2 AND ($3::text IS NOT NULL)${scope}
        GROUP BY ${Array.from({ length: keys.length + 1 }, (_, i) => String(i + 1)).join(', ')}
      ) a ${parts
        .map((part) => part.join)
        .filter(Boolean)
        .join(' ')}
      ORDER BY ${[...plan.dimensions.map((_, i) => String(i + 1)), 'a.currency'].join(', ')}`;

    // Each fetched batch becomes one RFC 4180 chunk (csv-stringify), written with the response's
    // own backpressure: memory stays at one batch whatever the report's size.
    const toCsv = (records: string[][]) => stringify(records, { record_delimiter: '\r\n' });
    const write = async (chunk: string) => {
      if (out.destroyed) throw new Error('the client went away');
      if (out.write(chunk)) return;
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          out.off('drain', onDrain);
          out.off('close', onClose);
          if (error) reject(error);
          else resolve();
        };
        const onDrain = () => done();
        const onClose = () => done(new Error('the client went away'));
        out.on('drain', onDrain);
        out.on('close', onClose);
      });
    };
    await write('\uFEFF' + toCsv([[...plan.dimensions, ...METRIC_COLUMNS]]));
    for await (const rows of this.batches(sql, params, plan.dimensions)) {
      const records = rows.map((row) => [
        ...plan.dimensions.map((dimension) => neutraliseFormula(String(row[dimension] ?? ''))),
        String(row.requests),
        String(row.failed_requests),
        String(row.prompt_tokens),
        String(row.completion_tokens),
        String(row.cached_tokens),
        String(row.cache_write_tokens),
        String(row.reasoning_tokens),
        String(row.total_tokens),
        formatDecimal(parseDecimal((row.cost as string | null) ?? '0'), 6),
        String(row.currency ?? ''),
      ]);
      if (records.length > 0) await write(toCsv(records));
    }
    out.end();
  }
}
