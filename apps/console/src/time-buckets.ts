import type { Timeseries, TimeseriesSeries } from './types';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** What the chart draws for one series: its name and a value per bucket of the axis. */
export interface ChartSeries {
  label: string;
  tokens: number[];
}

/** Words the series names need, in the reader's language. */
export interface SeriesWords {
  total: string;
  none: string;
  other: (groups: number) => string;
}

/**
 * The bucket starts (epoch ms) of the continuous axis the server gives: every hour (or day) of
 * the window is there, quiet ones as zero, so a quiet afternoon shows as a gap rather than being
 * squeezed out.
 */
export function axisOf(series: Timeseries): number[] {
  return series.buckets.map((bucket) => Date.parse(bucket));
}

/** Requests per bucket, all series together (the line over the bars). */
export function requestsPerBucket(series: Timeseries): number[] {
  return series.buckets.map((_, i) => series.series.reduce((sum, s) => sum + (s.points[i]?.requests ?? 0), 0));
}

/** Tokens per bucket, one series per group (largest first, the rest as one), as the server split them. */
export function chartSeries(series: Timeseries, words: SeriesWords): ChartSeries[] {
  return series.series.map((s) => ({ label: seriesLabel(s, series.groupBy, words), tokens: series.buckets.map((_, i) => s.points[i]?.totalTokens ?? 0) }));
}

function seriesLabel(series: TimeseriesSeries, dimension: string | null, words: SeriesWords): string {
  if (series.other) return words.other(series.groups);
  if (!dimension) return words.total;
  if (series.key === null) return words.none;
  const label = labelText(series.label ?? series.key);
  return dimension === 'user' && series.detail ? `${label} <${labelText(series.detail)}>` : label;
}

/** A group label off the wire: ids and names are strings (numbers for a few); anything else as JSON. */
export function labelText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
