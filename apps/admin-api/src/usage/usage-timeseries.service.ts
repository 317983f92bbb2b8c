import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppConfig } from '@app/core';
import { formatDecimal, parseDecimal } from '@app/usage';
import { invalid } from '../common/errors';
import { TIMESERIES_DEFAULT_SERIES, TimeseriesBucket, TimeseriesSeriesDto, UsageTimeseriesDto } from './dto/usage-timeseries.dto';
import { SeriesCell, SeriesLabel, UsageTimeseriesRepository } from './usage-timeseries.repository';
import { SummaryDimension, SummaryRange, SummaryScope, UsageSummaryService } from './usage-summary.service';

/** Buckets at most on one axis (31 days of hours fit; a year of them does not: ask for days). */
const MAX_BUCKETS = 1000;
const ONE_DAY_MS = 86_400_000;
const HOURLY_RANGES: readonly SummaryRange[] = ['1h', '5h', '24h', 'today'];

/** A bucket's or a series' figures, cost per currency. */
interface Figures {
  requests: number;
  failedRequests: number;
  totalTokens: number;
  costs: Array<{ currency: string | null; cost: string }>;
}

export interface TimeseriesRequest {
  range?: SummaryRange;
  from?: string;
  to?: string;
  bucket?: TimeseriesBucket;
  groupBy?: SummaryDimension;
  limit?: number;
}

/**
 * Usage over time for charts: a continuous axis of hours or days in APP_TIMEZONE (quiet buckets
 * are zeros, not gaps), one series per group of `groupBy`, largest first, at most `limit` of them
 * plus one `other` series for the rest; costs kept per currency.
 */
@Injectable()
export class UsageTimeseriesService {
  constructor(
    private readonly repository: UsageTimeseriesRepository,
    private readonly summaries: UsageSummaryService,
    private readonly config: AppConfig,
  ) {}

  async timeseries(request: TimeseriesRequest, scope: SummaryScope, now = new Date()): Promise<UsageTimeseriesDto> {
    const { range, from, to } = this.window(request, now);
    const unit = request.bucket ?? (range ? (HOURLY_RANGES.includes(range) ? 'hour' : 'day') : to.getTime() - from.getTime() <= ONE_DAY_MS ? 'hour' : 'day');
    const axis = this.axis(from, to, unit);
    const groupBy = request.groupBy ?? null;
    const limit = request.limit ?? TIMESERIES_DEFAULT_SERIES;
    const { cells, groups } = await this.repository.cells({ from, to, unit, timezone: this.config.timezone }, groupBy, scope, limit);
    const series = await this.series(cells, axis, groupBy, groups, limit);
    return {
      range,
      unit,
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      buckets: axis.map((at) => DateTime.fromMillis(at, { zone: this.config.timezone }).toISO() ?? ''),
      groups,
      series,
    };
  }

  private window(request: TimeseriesRequest, now: Date): { range: SummaryRange | null; from: Date; to: Date } {
    if (!request.from) {
      if (request.to) throw invalid('from: give `from` with `to` (or a `range`)');
      return { range: request.range ?? '7d', ...this.summaries.bounds(request.range ?? '7d', now) };
    }
    const from = new Date(request.from);
    const to = request.to ? new Date(request.to) : now;
    if (from.getTime() >= to.getTime()) throw invalid('from: must be before `to`');
    return { range: null, from, to };
  }

  /** Every bucket start (epoch ms) from the one holding `from` to the one holding the last instant before `to`. */
  private axis(from: Date, to: Date, unit: TimeseriesBucket): number[] {
    const out: number[] = [];
    for (let at = DateTime.fromJSDate(from, { zone: this.config.timezone }).startOf(unit); at.toMillis() < to.getTime(); at = at.plus({ [`${unit}s`]: 1 })) {
      if (out.length === MAX_BUCKETS) throw invalid(`to: the window holds more than ${MAX_BUCKETS} ${unit} buckets; ask for bucket=day or a shorter window`);
      out.push(at.toMillis());
    }
    return out;
  }

  private async series(cells: SeriesCell[], axis: number[], groupBy: SummaryDimension | null, groups: number, limit: number): Promise<TimeseriesSeriesDto[]> {
    const byGroup = new Map<string, { key: string | null; other: boolean; points: Figures[] }>();
    for (const cell of cells) {
      const id = cell.other ? 'other' : cell.key === null ? 'none' : `key:${cell.key}`;
      let group = byGroup.get(id);
      if (!group) {
        group = { key: cell.key, other: cell.other, points: axis.map(() => ({ requests: 0, failedRequests: 0, totalTokens: 0, costs: [] })) };
        byGroup.set(id, group);
      }
      add(group.points[bucketIndex(axis, cell.bucket.getTime())], cell);
    }
    if (!groupBy && !byGroup.size)
      byGroup.set('total', { key: null, other: false, points: axis.map(() => ({ requests: 0, failedRequests: 0, totalTokens: 0, costs: [] })) });
    const keys = [...byGroup.values()].flatMap((group) => (group.key !== null && !group.other ? [group.key] : []));
    const labels = groupBy
      ? new Map<string, SeriesLabel>((await this.repository.labels(groupBy, keys)).map((row) => [row.key, row]))
      : new Map<string, SeriesLabel>();
    const series = [...byGroup.values()].map((group): TimeseriesSeriesDto => {
      const totals: Figures = { requests: 0, failedRequests: 0, totalTokens: 0, costs: [] };
      for (const point of group.points) add(totals, point);
      const label = group.key === null ? undefined : labels.get(group.key);
      return {
        key: group.key,
        label: group.key === null ? null : (label?.label ?? group.key),
        ...(label?.detail ? { detail: label.detail } : {}),
        other: group.other,
        groups: group.other ? groups - limit : 1,
        ...totals,
        points: group.points.map((point, i) => ({ bucket: DateTime.fromMillis(axis[i], { zone: this.config.timezone }).toISO() ?? '', ...point })),
      };
    });
    return series.sort((a, b) => Number(a.other) - Number(b.other) || b.totalTokens - a.totalTokens || b.requests - a.requests);
  }
}

/** The axis bucket holding `at` (the last one starting at or before it). */
function bucketIndex(axis: number[], at: number): number {
  let low = 0;
  let high = axis.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (axis[mid] <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Adds figures into `into`, cost by currency (exact decimals, currencies never mixed). */
function add(
  into: Figures,
  figures: { requests: number; failedRequests: number; totalTokens: number } & ({ currency: string | null; cost: string } | { costs: Figures['costs'] }),
): void {
  into.requests += figures.requests;
  into.failedRequests += figures.failedRequests;
  into.totalTokens += figures.totalTokens;
  for (const { currency, cost } of 'costs' in figures ? figures.costs : [figures]) {
    const entry = into.costs.find((c) => c.currency === currency);
    if (entry) entry.cost = formatDecimal(parseDecimal(entry.cost) + parseDecimal(cost));
    else into.costs.push({ currency, cost: formatDecimal(parseDecimal(cost)) });
  }
}
