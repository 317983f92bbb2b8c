import { useState } from 'react';
import { Button, Checkbox, CheckboxGroup, Label, Radio, RadioGroup } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { download, get, query } from '../api';
import { isoDay, monthBounds } from '../format';
import { Route, useViewParams } from '../router';
import { useLoad, useSession } from '../session';
import type { Department, Page } from '../types';
import { ErrorMessages, Section, SelectInput, TextInput, useFormErrors } from '../ui';

const DIMENSIONS = ['department', 'user', 'model', 'provider', 'day'] as const;

/** Finance's export: a month or a custom range, a department, the grouping; the CSV downloads with the caller's token. */
export function ReportsPage({ route }: { route: Route }) {
  const { t } = useTranslation();
  const session = useSession();
  const [params, set] = useViewParams(route);
  const lead = session.me.role === 'team_lead';
  const mode = params.get('mode') === 'custom' ? 'custom' : 'month';
  const month = params.get('month') ?? isoDay().slice(0, 7);
  const from = mode === 'month' ? monthBounds(month).from : (params.get('from') ?? `${month}-01`);
  const to = mode === 'month' ? monthBounds(month).to : (params.get('to') ?? isoDay());
  const departmentId = lead ? '' : (params.get('department') ?? '');
  const groupBy = (params.get('groupBy') ?? 'department,user,model').split(',').filter((d) => (DIMENSIONS as readonly string[]).includes(d));
  const departments = useLoad(() => (lead ? Promise.resolve({ items: [], nextCursor: null }) : get<Page<Department>>('/api/departments?limit=500')), [lead]);
  const errors = useFormErrors(['from', 'to', 'groupBy', 'departmentId']);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');

  return (
    <>
      <h1>{t('reports.title')}</h1>
      <Section title={t('reports.csv')}>
        <p className="lead">{t('reports.intro')}</p>
        <div className="form-grid">
          <RadioGroup className="segmented" orientation="horizontal" value={mode} onChange={(value) => set({ mode: value })}>
            <Label>{t('reports.period')}</Label>
            <div className="segments">
              <Radio value="month">{t('reports.month')}</Radio>
              <Radio value="custom">{t('reports.custom')}</Radio>
            </div>
          </RadioGroup>
          {mode === 'month' ? (
            <TextInput name="month" type="month" label={t('reports.monthLabel')} value={month} onChange={(value) => value && set({ month: value })} />
          ) : (
            <>
              <TextInput name="from" type="date" label={t('reports.from')} value={from} onChange={(value) => set({ from: value })} />
              <TextInput name="to" type="date" label={t('reports.to')} value={to} onChange={(value) => set({ to: value })} />
            </>
          )}
          {lead ? (
            <p>
              {t('people.department')}: {session.me.departmentName}
            </p>
          ) : (
            <SelectInput
              name="department"
              label={t('people.department')}
              value={departmentId}
              error={errors.byField.departmentId}
              onChange={(value) => set({ department: value })}
              options={[{ value: '', label: t('usage.allDepartments') }, ...(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))]}
            />
          )}
          <CheckboxGroup className="checks" value={groupBy} onChange={(value) => set({ groupBy: value.join(',') })}>
            <Label>{t('reports.groupBy')}</Label>
            {DIMENSIONS.map((d) => (
              <Checkbox key={d} value={d}>
                <span className="box" aria-hidden="true" />
                {t(`dimensions.${d}`)}
              </Checkbox>
            ))}
          </CheckboxGroup>
        </div>
        <ErrorMessages messages={[...errors.general, ...Object.values(errors.byField)]} />
        <div className="actions start">
          <Button
            className="button primary"
            isDisabled={busy}
            onPress={() =>
              void (async () => {
                setBusy(true);
                setDone('');
                errors.clear();
                try {
                  await download(`/api/reports/usage.csv${query({ from, to, groupBy: groupBy.join(','), departmentId })}`, `usage-${from}-${to}.csv`);
                  setDone(t('reports.downloaded'));
                } catch (error) {
                  errors.show(error);
                } finally {
                  setBusy(false);
                }
              })()
            }
          >
            {t('reports.download')}
          </Button>
          <span role="status">{done}</span>
        </div>
      </Section>
    </>
  );
}
