import { BarController, BarElement, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format';
import { continuousBuckets, DAY, groupSeries, HOUR } from './time-buckets';
import type { Timeseries } from './types';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

const PALETTE = ['#2457c5', '#0f8b8d', '#8e44ad', '#c0392b', '#7f8c2b', '#d35400', '#6b7280'];

export function UsageChart({ series, dimension }: { series: Timeseries; dimension?: string }) {
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
    const groups = groupSeries(series, dimension, buckets, t('usage.other'));
    const bars = groups.length
      ? groups.map((group, g) => ({
          type: 'bar' as const,
          label: group.label,
          stack: 'tokens',
          data: group.data.map((y, i) => ({ x: buckets[i].at + step / 2, y })),
          yAxisID: 'tokens',
          backgroundColor: PALETTE[g % PALETTE.length],
          barPercentage: 1,
          categoryPercentage: 0.9,
        }))
      : [
          {
            type: 'bar' as const,
            label: t('usage.tokens'),
            data: buckets.map((b) => ({ x: b.at + step / 2, y: b.tokens })),
            yAxisID: 'tokens',
            backgroundColor: '#3b6fd8',
            barPercentage: 1,
            categoryPercentage: 0.9,
          },
        ];
    const chart = new Chart(canvas.current, {
      data: {
        datasets: [
          ...bars,
          {
            type: 'line',
            label: t('usage.requests'),
            data: buckets.map((b) => ({ x: b.at + step / 2, y: b.requests })),
            yAxisID: 'requests',
            borderColor: '#d9822b',
            backgroundColor: '#d9822b',
            pointRadius: 2,
          },
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
          tokens: {
            type: 'linear',
            position: 'left',
            beginAtZero: true,
            stacked: groups.length > 0,
            ticks: { callback: (value) => format.number(Number(value)) },
            title: { display: true, text: t('usage.tokens') },
          },
          requests: {
            type: 'linear',
            position: 'right',
            beginAtZero: true,
            grid: { display: false },
            ticks: { precision: 0 },
            title: { display: true, text: t('usage.requests') },
          },
        },
        plugins: {
          tooltip: { callbacks: { title: (items) => format.dateTime(new Date((items[0]?.parsed.x ?? 0) - step / 2).toISOString()) } },
        },
      },
    });
    return () => chart.destroy();
  }, [buckets, unit, dimension, t, format.locale]); // the chart is rebuilt only when what it draws changes

  return (
    <figure className="chart">
      <div className="chart-box">
        <canvas
          ref={canvas}
          role="img"
          aria-label={t('usage.chartLabel', { unit: t(`usage.unit.${unit}`), tokens: format.number(totalTokens), requests: format.number(totalRequests) })}
        />
      </div>
      <figcaption>{t('usage.chartCaption', { unit: t(`usage.unit.${unit}`) })}</figcaption>
    </figure>
  );
}
