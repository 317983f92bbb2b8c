import type { Timeseries } from './types';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * Buckets on a continuous time axis: every hour (or day) of the range is present, empty ones as
 * zero, so a quiet afternoon shows as a gap rather than being squeezed out.
 */
export function continuousBuckets(series: Timeseries): Array<{ at: number; requests: number; tokens: number; failed: number }> {
  const unit = series.unit ?? series.bucket ?? 'hour';
  const step = unit === 'hour' ? HOUR : DAY;
  const byTime = new Map<number, { requests: number; tokens: number; failed: number }>();
  for (const point of series.points) {
    const at = Date.parse(point.bucket);
    const slot = byTime.get(at) ?? { requests: 0, tokens: 0, failed: 0 };
    slot.requests += point.requests;
    slot.tokens += point.totalTokens;
    slot.failed += point.failedRequests;
    byTime.set(at, slot);
  }
  const from = Date.parse(series.from);
  const to = Date.parse(series.to);
  const known = [...byTime.keys()].sort((a, b) => a - b);
  // anchor the grid on a real bucket (they start at the period's edge in APP_TIMEZONE)
  let anchor = known[0] ?? Math.floor(from / step) * step;
  while (anchor > from) anchor -= step;
  const out: Array<{ at: number; requests: number; tokens: number; failed: number }> = [];
  for (let at = anchor; at < to && out.length < 1000; at += step) out.push({ at, ...(byTime.get(at) ?? { requests: 0, tokens: 0, failed: 0 }) });
  for (const at of known) {
    const point = byTime.get(at);
    if (point && !out.some((p) => p.at === at)) out.push({ at, ...point });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Per-group token series when the server splits the points by the chosen dimension (top 6, the rest as one). */
export function groupSeries(
  series: Timeseries,
  dimension: string | undefined,
  buckets: Array<{ at: number }>,
  other: string,
): Array<{ label: string; data: number[] }> {
  if (!dimension) return [];
  const labelOf = (point: Timeseries['points'][number]) => point[dimension] ?? point[`${dimension}Id`];
  if (!series.points.some((point) => labelOf(point) !== undefined)) return [];
  const totals = new Map<string, number>();
  for (const point of series.points) {
    const name = labelText(labelOf(point) ?? '—');
    totals.set(name, (totals.get(name) ?? 0) + point.totalTokens);
  }
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([label]) => label);
  const index = new Map(buckets.map((b, i) => [b.at, i]));
  const groups = new Map<string, number[]>();
  for (const point of series.points) {
    const name = labelText(labelOf(point) ?? '—');
    const label = top.includes(name) ? name : other;
    const data = groups.get(label) ?? new Array<number>(buckets.length).fill(0);
    const i = index.get(Date.parse(point.bucket));
    if (i !== undefined) data[i] += point.totalTokens;
    groups.set(label, data);
  }
  return [...groups.entries()].map(([label, data]) => ({ label, data }));
}

/** A group label off the wire: ids and names are strings (numbers for a few); anything else as JSON. */
export function labelText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
