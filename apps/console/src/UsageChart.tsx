import { BarController, BarElement, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format';
import type { Timeseries } from './types';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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
  for (const at of known) if (!out.some((p) => p.at === at)) out.push({ at, ...byTime.get(at)! });
  return out.sort((a, b) => a.at - b.at);
}

export function UsageChart({ series }: { series: Timeseries }) {
  const { t } = useTranslation();
  const format = useFormat();
  const canvas = useRef<HTMLCanvasElement>(null);
  const unit = series.unit ?? series.bucket ?? 'hour';
  const buckets = useMemo(() => continuousBuckets(series), [series]);
  const totalTokens = buckets.reduce((sum, b) => sum + b.tokens, 0);
  const totalRequests = buckets.reduce((sum, b) => sum + b.requests, 0);

  useEffect(() => {
    if (!canvas.current) return;
    const step = unit === 'hour' ? HOUR : DAY;
    const chart = new Chart(canvas.current, {
      data: {
        datasets: [
          { type: 'bar', label: t('usage.tokens'), data: buckets.map((b) => ({ x: b.at + step / 2, y: b.tokens })), yAxisID: 'tokens', backgroundColor: '#3b6fd8', barPercentage: 1, categoryPercentage: 0.9 },
          { type: 'line', label: t('usage.requests'), data: buckets.map((b) => ({ x: b.at + step / 2, y: b.requests })), yAxisID: 'requests', borderColor: '#d9822b', backgroundColor: '#d9822b', pointRadius: 2 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        scales: {
          x: {
            type: 'linear',
            min: buckets[0]?.at,
            max: buckets.length ? buckets[buckets.length - 1].at + step : undefined,
            ticks: { autoSkip: false, callback: (value) => format.axisTime(Number(value), unit) },
            // ticks on bucket edges (whole hours, or midnights in APP_TIMEZONE), at most about 12 of them
            afterBuildTicks: (axis) => {
              const every = Math.max(1, Math.ceil(buckets.length / 12));
              axis.ticks = buckets.filter((_, i) => i % every === 0).map((b) => ({ value: b.at }));
            },
            grid: { display: false },
          },
          tokens: { type: 'linear', position: 'left', beginAtZero: true, ticks: { callback: (value) => format.number(Number(value)) }, title: { display: true, text: t('usage.tokens') } },
          requests: { type: 'linear', position: 'right', beginAtZero: true, grid: { display: false }, ticks: { precision: 0 }, title: { display: true, text: t('usage.requests') } },
        },
        plugins: {
          tooltip: { callbacks: { title: (items) => format.dateTime(new Date(Number(items[0]?.parsed.x ?? 0) - step / 2).toISOString()) } },
        },
      },
    });
    return () => chart.destroy();
  }, [buckets, unit, t, format.locale]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <figure className="chart">
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={t('usage.chartLabel', { unit: t(`usage.unit.${unit}`), tokens: format.number(totalTokens), requests: format.number(totalRequests) })} />
      </div>
      <figcaption>{t('usage.chartCaption', { unit: t(`usage.unit.${unit}`) })}</figcaption>
    </figure>
  );
}
