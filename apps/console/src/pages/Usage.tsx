import { Radio, RadioGroup, Label } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { get, query } from '../api';
import { Format, useFormat } from '../format';
import { Route, useViewParams } from '../router';
import { useLoad, useSession } from '../session';
import type { Department, Page, QuotaStatus, Summary, SummaryRow, Timeseries } from '../types';
import { UsageChart } from '../UsageChart';
import { DataTable, ErrorMessages, Section, SelectInput } from '../ui';
import { labelText } from '../time-buckets';

const RANGES = ['today', '1h', '5h', '24h', '7d', '30d', 'month'] as const;

/** Usage over time and its top rows, as far as the caller's role reaches (developers: their own). */
export function UsagePage({ route }: { route: Route }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const [params, set] = useViewParams(route);
  const rangeParam = params.get('range') ?? '';
  const range = (RANGES as readonly string[]).includes(rangeParam) ? rangeParam : 'today';
  const wide = session.can('usage:read');
  const everyDepartment = wide && session.me.role !== 'team_lead';
  const dimensions = !wide ? ['model'] : everyDepartment ? ['department', 'user', 'model', 'provider'] : ['user', 'model'];
  const groupByParam = params.get('groupBy') ?? '';
  const groupBy = dimensions.includes(groupByParam) ? groupByParam : dimensions[0];
  const departmentId = everyDepartment ? (params.get('department') ?? '') : '';
  // the chart's split: by department / user / model as the role reaches (a developer's own usage: by model)
  const chartDimensions = ['total', ...(!wide ? ['model'] : everyDepartment ? ['department', 'user', 'model', 'provider'] : ['user', 'model'])];
  const chartParam = params.get('chart') ?? '';
  const chartBy = chartDimensions.includes(chartParam) ? chartParam : 'total';
  const split = chartBy === 'total' ? undefined : chartBy;

  const departments = useLoad(
    () => (everyDepartment ? get<Page<Department>>('/api/departments?limit=500') : Promise.resolve({ items: [], nextCursor: null })),
    [everyDepartment],
  );
  const summary = useLoad(
    () => (wide ? get<Summary>(`/api/usage/summary${query({ range, groupBy, departmentId, limit: 10 })}`) : get<Summary>(`/api/me/usage${query({ range })}`)),
    [range, groupBy, departmentId, wide],
  );
  const totals = useLoad(
    () => (wide ? get<Summary>(`/api/usage/summary${query({ range, departmentId, limit: 1000 })}`) : get<Summary>(`/api/me/usage${query({ range })}`)),
    [range, departmentId, wide],
  );
  // one series per group (the largest few, the rest as one); the chart stacks them
  const series = useLoad(
    () =>
      wide
        ? get<Timeseries>(`/api/usage/timeseries${query({ range, departmentId, groupBy: split })}`)
        : get<Timeseries>(`/api/me/usage/timeseries${query({ range, groupBy: split })}`),
    [range, departmentId, split, wide],
  );
  const quotas = useLoad(() => get<{ items: QuotaStatus[] }>('/api/me/quotas'), []);

  const scopeName = !wide
    ? t('usage.scopeMine')
    : everyDepartment
      ? (departments.data?.items.find((d) => d.id === departmentId)?.name ?? t('usage.scopeAll'))
      : (session.me.departmentName ?? '');
  const rows = totals.data?.rows ?? [];
  const byCurrency = new Map<string, number>();
  for (const row of rows) if (row.currency) byCurrency.set(row.currency, (byCurrency.get(row.currency) ?? 0) + Number(row.cost));
  const sum = (pick: (row: SummaryRow) => number) => rows.reduce((total, row) => total + pick(row), 0);

  return (
    <>
      <h1>
        {t('usage.title')} <span className="scope">{scopeName}</span>
      </h1>
      <div className="toolbar">
        <RadioGroup className="segmented" orientation="horizontal" value={range} onChange={(value) => set({ range: value })}>
          <Label>{t('usage.range')}</Label>
          <div className="segments">
            {RANGES.map((r) => (
              <Radio key={r} value={r}>
                {t(`ranges.${r}`)}
              </Radio>
            ))}
          </div>
        </RadioGroup>
        {everyDepartment ? (
          <SelectInput
            name="department"
            label={t('usage.department')}
            value={departmentId}
            onChange={(value) => set({ department: value })}
            options={[{ value: '', label: t('usage.allDepartments') }, ...(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))]}
          />
        ) : null}
        {dimensions.length > 1 ? (
          <SelectInput
            name="groupBy"
            label={t('usage.groupBy')}
            value={groupBy}
            onChange={(value) => set({ groupBy: value })}
            options={dimensions.map((d) => ({ value: d, label: t(`dimensions.${d}`) }))}
          />
        ) : null}
      </div>
      <ErrorMessages messages={[summary.error, totals.error, series.error].filter(Boolean).map((e) => (e instanceof Error ? e.message : String(e)))} />
      <div className="kpis" aria-busy={totals.loading}>
        <Kpi label={t('usage.requests')} value={format.number(sum((r) => r.requests))} />
        <Kpi label={t('usage.tokens')} value={format.number(sum((r) => r.totalTokens))} />
        <Kpi label={t('usage.failed')} value={format.number(sum((r) => r.failedRequests))} />
        {[...byCurrency.entries()].map(([currency, amount]) => (
          <Kpi key={currency} label={t('usage.costIn', { currency })} value={format.money(amount, currency)} />
        ))}
        {byCurrency.size === 0 ? <Kpi label={t('usage.cost')} value={format.money(0, 'CNY')} /> : null}
      </div>
      <Section
        title={t('usage.overTime')}
        actions={
          <RadioGroup className="segmented" orientation="horizontal" value={chartBy} onChange={(value) => set({ chart: value === 'total' ? null : value })}>
            <Label>{t('usage.chartBy')}</Label>
            <div className="segments">
              {chartDimensions.map((d) => (
                <Radio key={d} value={d}>
                  {t(`usage.split.${d}`)}
                </Radio>
              ))}
            </div>
          </RadioGroup>
        }
      >
        {series.data ? <UsageChart series={series.data} /> : <p>{t('common.loading')}</p>}
      </Section>
      {!wide || quotas.data?.items.length ? <QuotaTable title={t('usage.myQuotas')} items={quotas.data?.items ?? []} format={format} /> : null}
      <Section title={t('usage.top', { dimension: t(`dimensions.${groupBy}`) })}>
        <TopTable rows={summary.data?.rows ?? []} dimension={groupBy} format={format} />
      </Section>
    </>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <div className="kpi">
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">{value}</span>
    </div>
  );
}

function rowLabel(row: SummaryRow, dimension: string): string {
  const value = row[dimension];
  if (dimension === 'user' && row.userName) return `${labelText(row.userName)} <${labelText(value ?? '')}>`;
  return value === null || value === undefined ? '—' : labelText(value);
}

function TopTable({ rows, dimension, format }: { rows: SummaryRow[]; dimension: string; format: Format }) {
  const { t } = useTranslation();
  return (
    <DataTable
      caption={t('usage.top', { dimension: t(`dimensions.${dimension}`) })}
      columns={[
        { label: t(`dimensions.${dimension}`) },
        { label: t('usage.requests'), numeric: true },
        { label: t('usage.failed'), numeric: true },
        { label: t('usage.tokens'), numeric: true },
        { label: t('usage.cost'), numeric: true },
      ]}
      rows={rows}
      rowKey={(row) => `${rowLabel(row, dimension)}|${row.currency}`}
      cells={(row) => [
        rowLabel(row, dimension),
        format.number(row.requests),
        format.number(row.failedRequests),
        format.number(row.totalTokens),
        format.money(row.cost, row.currency),
      ]}
    />
  );
}

/** Quotas with what is used, what is left and when it resets. */
export function QuotaTable({
  title,
  items,
  format,
  actions,
  toolbar,
}: {
  title: string;
  items: QuotaStatus[];
  format: Format;
  actions?: (quota: QuotaStatus) => React.ReactNode;
  toolbar?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const cell = (quota: QuotaStatus, key: 'tokens' | 'requests' | 'cost') =>
    quota.limit[key] === null
      ? '—'
      : key === 'cost'
        ? `${format.money(quota.used.cost, null)} / ${format.money(quota.limit.cost, null)} (${t('quotas.left', { value: format.money(quota.remaining.cost, null) })})`
        : `${format.number(quota.used[key])} / ${format.number(quota.limit[key])} (${t('quotas.left', { value: format.number(quota.remaining[key]) })})`;
  const columns = [
    { label: t('quotas.period') },
    { label: t('quotas.scope') },
    { label: t('quotas.tokens') },
    { label: t('quotas.requests') },
    { label: t('quotas.cost') },
    { label: t('quotas.resets') },
    ...(actions ? [{ label: t('common.actions') }] : []),
  ];
  return (
    <Section title={title} actions={toolbar}>
      <DataTable
        caption={title}
        columns={columns}
        rows={items}
        rowKey={(quota) => quota.quotaId}
        empty={t('quotas.none')}
        cells={(quota) => [
          t(`periods.${quota.period}`),
          t(`quotas.scopes.${quota.scope}`),
          cell(quota, 'tokens'),
          cell(quota, 'requests'),
          cell(quota, 'cost'),
          <time dateTime={quota.resetsAt} title={format.dateTime(quota.resetsAt)}>
            {format.fromNow(quota.resetsAt)} ({format.dateTime(quota.resetsAt)})
          </time>,
          ...(actions ? [actions(quota)] : []),
        ]}
      />
    </Section>
  );
}
