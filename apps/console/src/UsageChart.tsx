import { BarController, BarElement, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format';
import { axisOf, chartSeries, DAY, HOUR, requestsPerBucket } from './time-buckets';
import type { Timeseries } from './types';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, LinearScale, Tooltip);

/** The same colours as `.swatch.s0`… in styles.css (no inline styles under the CSP). */
const PALETTE = ['#2457c5', '#0f8b8d', '#8e44ad', '#c0392b', '#7f8c2b', '#d35400', '#b03a78', '#3d6b45', '#6b7280'];
const OTHER = '#9aa3af';
const REQUESTS = '#d9822b';

/** Tokens per bucket as stacked bars (one dataset per series), requests as a line; the legend is HTML, so it can be read and navigated. */
export function UsageChart({ series }: { series: Timeseries }) {
  const { t } = useTranslation();
  const format = useFormat();
  const canvas = useRef<HTMLCanvasElement>(null);
  const unit = series.unit;
  const axis = useMemo(() => axisOf(series), [series]);
  const requests = useMemo(() => requestsPerBucket(series), [series]);
  const groups = useMemo(
    () => chartSeries(series, { total: t('usage.tokens'), none: t('usage.none'), other: (count) => t('usage.otherGroups', { count }) }),
    [series, t],
  );
  const colours = series.series.map((s, i) => (s.other ? OTHER : PALETTE[i % PALETTE.length]));
  const totalTokens = series.series.reduce((sum, s) => sum + s.totalTokens, 0);
  const totalRequests = requests.reduce((sum, n) => sum + n, 0);

  useEffect(() => {
    if (!canvas.current) return;
    const step = unit === 'hour' ? HOUR : DAY;
    const x = (i: number) => axis[i] + step / 2;
    const chart = new Chart(canvas.current, {
      data: {
        datasets: [
          ...groups.map((group, g) => ({
            type: 'bar' as const,
            label: group.label,
            stack: 'tokens',
            data: group.tokens.map((y, i) => ({ x: x(i), y })),
            yAxisID: 'tokens',
            backgroundColor: colours[g],
            barPercentage: 1,
            categoryPercentage: 0.9,
          })),
          {
            type: 'line',
            label: t('usage.requests'),
            data: requests.map((y, i) => ({ x: x(i), y })),
            yAxisID: 'requests',
            borderColor: REQUESTS,
            backgroundColor: REQUESTS,
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
            min: axis[0],
            max: axis.length ? axis[axis.length - 1] + step : undefined,
            ticks: { autoSkip: false, callback: (value) => format.axisTime(Number(value), unit) },
            // ticks on bucket edges (whole hours, or midnights in APP_TIMEZONE), at most about 12 of them
            afterBuildTicks: (scale) => {
              const every = Math.max(1, Math.ceil(axis.length / 12));
              scale.ticks = axis.filter((_, i) => i % every === 0).map((value) => ({ value }));
            },
            grid: { display: false },
          },
          tokens: {
            type: 'linear',
            position: 'left',
            beginAtZero: true,
            stacked: true,
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
  }, [axis, groups, requests, unit, t, format.locale]); // the chart is rebuilt only when what it draws changes

  return (
    <figure className="chart">
      <div className="chart-box">
        <canvas
          ref={canvas}
          role="img"
          aria-label={t('usage.chartLabel', { unit: t(`usage.unit.${unit}`), tokens: format.number(totalTokens), requests: format.number(totalRequests) })}
        />
      </div>
      <figcaption>
        {t('usage.chartCaption', { unit: t(`usage.unit.${unit}`) })}
        <ul className="legend" aria-label={t('usage.series')}>
          {series.series.map((s, i) => (
            <li key={s.other ? 'other' : (s.key ?? 'none')}>
              <span className={`swatch ${s.other ? 'other' : `s${i % PALETTE.length}`}`} aria-hidden="true" />
              {t('usage.seriesLine', { name: groups[i]?.label, tokens: format.number(s.totalTokens) })}
            </li>
          ))}
          <li>
            <span className="swatch line" aria-hidden="true" />
            {t('usage.requestsLine', { requests: format.number(totalRequests) })}
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}
