import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get, query } from '../api';
import { Format, isoDay, useFormat } from '../format';
import { Route, useViewParams } from '../router';
import { useLoad, useSession } from '../session';
import type { Page, Provider } from '../types';
import { DataTable, ErrorMessages, FormDialog, Section, SelectInput, TextInput } from '../ui';
import { AccountsPanel, AccountWindows, SnapshotAccount } from './Accounts';

interface Snapshot {
  providerId: string;
  providerName: string;
  kind: string;
  takenAt: string;
  status: string;
  message: string | null;
  balance: { amount: string; currency: string } | null;
  limits: Array<{
    model: string;
    scope: string;
    requestLimit: number | null;
    requestPeriodSeconds: number | null;
    tokenLimit: number | null;
    tokenPeriodSeconds: number | null;
  }>;
  accounts?: SnapshotAccount[];
}

interface Reconciliation {
  from: string;
  to: string;
  gateway: Record<string, number>;
  provider: Record<string, number> | null;
  difference: Record<string, number> | null;
  providerStatus: string;
  message: string | null;
}

const KINDS = ['dashscope', 'huawei-maas', 'openai', 'chatgpt-codex'] as const;

export function ProvidersPage({ route }: { route: Route }) {
  const { t } = useTranslation();
  const session = useSession();
  const [params, set] = useViewParams(route);
  const providers = useLoad(
    () => (session.can('providers:read') ? get<Page<Provider>>('/api/providers?limit=200') : Promise.resolve({ items: [], nextCursor: null })),
    [],
  );
  const admin = session.can('providers:write');
  const accountsOf = params.get('accounts');
  return (
    <>
      <h1>{t('providers.title')}</h1>
      {session.can('provider-quota:read') ? <Balances /> : null}
      {session.can('provider-quota:read') ? <ReconciliationView providers={providers.data?.items ?? []} params={params} set={set} /> : null}
      {admin ? (
        <Section title={t('providers.configured')} actions={<ProviderDialog onSaved={providers.reload} />}>
          <DataTable
            caption={t('providers.configured')}
            columns={[
              { label: t('providers.name') },
              { label: t('providers.kind') },
              { label: t('providers.baseUrl') },
              { label: t('providers.credentials') },
              { label: t('providers.enabled') },
              { label: t('common.actions') },
            ]}
            rows={providers.data?.items ?? []}
            rowKey={(p) => p.id}
            cells={(p) => [
              p.name,
              p.kind,
              <code>{p.baseUrl}</code>,
              [p.hasApiKey ? t('providers.keyStored') : t('providers.noKey'), ...p.secretOptions].join(', '),
              p.enabled ? t('common.yes') : t('common.no'),
              <div className="row-actions">
                <ProviderDialog provider={p} onSaved={providers.reload} />
                <Button className="button small" onPress={() => set({ accounts: p.id })}>
                  {t('providers.accounts')}
                </Button>
              </div>,
            ]}
          />
        </Section>
      ) : null}
      {admin && accountsOf ? <AccountsPanel provider={providers.data?.items.find((p) => p.id === accountsOf)} providerId={accountsOf} /> : null}
    </>
  );
}

function periodText(t: (key: string, o?: Record<string, unknown>) => string, seconds: number | null): string {
  if (!seconds) return '';
  if (seconds % 86400 === 0) return t('providers.perDays', { count: seconds / 86400 });
  if (seconds % 3600 === 0) return t('providers.perHours', { count: seconds / 3600 });
  if (seconds % 60 === 0) return t('providers.perMinutes', { count: seconds / 60 });
  return t('providers.perSeconds', { count: seconds });
}

/** Latest snapshot per provider: status, balance (in its own currency), per-model limits, account windows. */
function Balances() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const snapshots = useLoad(() => get<Page<Snapshot>>('/api/providers/quota'), []);
  const [polling, setPolling] = useState('');
  return (
    <Section title={t('providers.balances')}>
      <ErrorMessages messages={snapshots.error ? [(snapshots.error as Error).message] : []} />
      {snapshots.data?.items.length === 0 ? <p>{t('providers.noSnapshots')}</p> : null}
      <div className="snapshots">
        {(snapshots.data?.items ?? []).map((s) => (
          <article key={s.providerId} className="snapshot" aria-labelledby={`snap-${s.providerId}`}>
            <h3 id={`snap-${s.providerId}`}>
              {s.providerName} <span className="kind">{s.kind}</span>
            </h3>
            <dl className="facts">
              <dt>{t('providers.status')}</dt>
              <dd>
                <span className={`badge ${s.status === 'ok' ? 'ok' : 'bad'}`}>{t(`providers.statuses.${s.status}`, { defaultValue: s.status })}</span>
                {s.message ? ` ${s.message}` : ''}
              </dd>
              <dt>{t('providers.balance')}</dt>
              <dd>{s.balance ? format.money(s.balance.amount, s.balance.currency) : '—'}</dd>
              <dt>{t('providers.takenAt')}</dt>
              <dd>{format.dateTime(s.takenAt)}</dd>
            </dl>
            {s.limits.length ? (
              <DataTable
                caption={t('providers.limitsOf', { name: s.providerName })}
                columns={[
                  { label: t('providers.model') },
                  { label: t('providers.requestLimit'), numeric: true },
                  { label: t('providers.tokenLimit'), numeric: true },
                ]}
                rows={s.limits}
                rowKey={(l) => `${l.model}|${l.scope}`}
                cells={(l) => [
                  l.model,
                  l.requestLimit === null ? '—' : `${format.number(l.requestLimit)} ${periodText(t, l.requestPeriodSeconds)}`,
                  l.tokenLimit === null ? '—' : `${format.number(l.tokenLimit)} ${periodText(t, l.tokenPeriodSeconds)}`,
                ]}
              />
            ) : null}
            {s.accounts?.length ? <AccountWindows accounts={s.accounts} providerName={s.providerName} /> : null}
            {session.can('provider-quota:poll') ? (
              <Button
                className="button small"
                isDisabled={polling === s.providerId}
                onPress={() =>
                  void (async () => {
                    setPolling(s.providerId);
                    try {
                      await api('POST', `/api/providers/${s.providerId}/poll`);
                    } finally {
                      setPolling('');
                      snapshots.reload();
                    }
                  })()
                }
              >
                {t('providers.pollNow', { name: s.providerName })}
              </Button>
            ) : null}
          </article>
        ))}
      </div>
    </Section>
  );
}

const DRIFT_TOLERANCE = 0.01;

function ReconciliationView({ providers, params, set }: { providers: Provider[]; params: URLSearchParams; set: (changes: Record<string, string>) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const providerId = params.get('reconcile') ?? providers.at(0)?.id ?? '';
  const from = params.get('from') ?? `${isoDay().slice(0, 7)}-01`;
  const to = params.get('to') ?? isoDay();
  const result = useLoad(
    () => (providerId ? get<Reconciliation>(`/api/providers/${providerId}/reconciliation${query({ from, to })}`) : Promise.resolve(undefined)),
    [providerId, from, to],
  );
  const error = result.error instanceof ApiError ? result.error.message : result.error instanceof Error ? String(result.error) : '';
  return (
    <Section title={t('providers.reconciliation')}>
      <p className="lead">{t('providers.reconciliationIntro')}</p>
      <div className="toolbar">
        <SelectInput
          name="reconcile"
          label={t('providers.provider')}
          value={providerId}
          onChange={(value) => set({ reconcile: value })}
          options={providers.map((p) => ({ value: p.id, label: p.name }))}
        />
        <TextInput name="from" type="date" label={t('reports.from')} value={from} onChange={(value) => value && set({ from: value })} />
        <TextInput name="to" type="date" label={t('reports.to')} value={to} onChange={(value) => value && set({ to: value })} />
      </div>
      <ErrorMessages messages={error ? [error] : []} />
      {result.data ? <ReconciliationTable data={result.data} format={format} /> : null}
    </Section>
  );
}

function ReconciliationTable({ data, format }: { data: Reconciliation; format: Format }) {
  const { t } = useTranslation();
  const metrics = Object.keys(data.gateway);
  const drifting = (metric: string) => {
    const reported = data.provider?.[metric];
    const difference = data.difference?.[metric];
    if (reported === undefined || difference === undefined) return false;
    return Math.abs(difference) > Math.max(1, Math.abs(reported) * DRIFT_TOLERANCE);
  };
  return (
    <>
      {data.provider ? null : <p className="note">{data.message ?? t('providers.noReported')}</p>}
      <DataTable
        caption={t('providers.reconciliation')}
        columns={[
          { label: t('providers.metric') },
          { label: t('providers.metered'), numeric: true },
          { label: t('providers.reported'), numeric: true },
          { label: t('providers.difference'), numeric: true },
        ]}
        rows={metrics}
        rowKey={(m) => m}
        rowClass={(m) => (drifting(m) ? 'drift' : undefined)}
        cells={(m) => [
          t(`providers.metrics.${m}`, { defaultValue: m }),
          format.number(data.gateway[m]),
          data.provider ? format.number(data.provider[m]) : '—',
          data.difference ? (
            <>
              {format.number(data.difference[m])}
              {drifting(m) ? <strong className="badge bad"> {t('providers.drift')}</strong> : null}
            </>
          ) : (
            '—'
          ),
        ]}
      />
    </>
  );
}

/** Add or edit a provider. Credentials are write-only: their inputs start empty; empty keeps the stored one. */
function ProviderDialog({ provider, onSaved }: { provider?: Provider; onSaved: () => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState(provider?.kind ?? 'dashscope');
  const secretFields: Record<string, string[]> = {
    dashscope: ['accessKeyId', 'accessKeySecret'],
    'huawei-maas': ['accessKey', 'secretKey'],
    openai: [],
    'chatgpt-codex': [],
  };
  const plainFields: Record<string, string[]> = { dashscope: [], 'huawei-maas': ['region', 'projectId'], openai: [], 'chatgpt-codex': [] };
  return (
    <FormDialog
      trigger={provider ? t('common.edit') : t('providers.add')}
      triggerClass={provider ? 'button small' : 'button primary'}
      title={provider ? t('providers.editTitle', { name: provider.name }) : t('providers.addTitle')}
      submit={t('common.save')}
      fields={['name', 'kind', 'baseUrl', 'apiKey', 'options']}
      onSubmit={async (values) => {
        const options: Record<string, string> = {};
        for (const field of [...(secretFields[kind] ?? []), ...(plainFields[kind] ?? [])]) if (values[field]) options[field] = values[field];
        const body: Record<string, unknown> = { name: values.name, kind, baseUrl: values.baseUrl };
        if (values.apiKey) body.apiKey = values.apiKey;
        if (Object.keys(options).length) body.options = options;
        if (provider) await api('PATCH', `/api/providers/${provider.id}`, body);
        else await api('POST', '/api/providers', body);
        onSaved();
      }}
    >
      {(errors) => (
        <>
          <TextInput name="name" label={t('providers.name')} defaultValue={provider?.name} isRequired />
          <SelectInput
            name="kind"
            label={t('providers.kind')}
            value={kind}
            onChange={setKind}
            error={errors.kind}
            options={KINDS.map((k) => ({ value: k, label: k }))}
          />
          <TextInput
            name="baseUrl"
            type="url"
            label={t('providers.baseUrl')}
            defaultValue={provider?.baseUrl}
            description={t(`providers.baseUrlHint.${kind.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`)}
            isRequired
          />
          <TextInput
            name="apiKey"
            type="password"
            label={t('providers.apiKey')}
            autoComplete="off"
            description={provider ? t('providers.writeOnlyKeep') : t('providers.writeOnly')}
          />
          {(secretFields[kind] ?? []).map((field) => (
            <TextInput
              key={field}
              name={field}
              type="password"
              autoComplete="off"
              label={t(`providers.options.${field}`)}
              description={provider?.secretOptions.includes(field) ? t('providers.writeOnlyKeep') : t('providers.writeOnly')}
            />
          ))}
          {(plainFields[kind] ?? []).map((field) => (
            <TextInput
              key={field}
              name={field}
              label={t(`providers.options.${field}`)}
              defaultValue={typeof provider?.options[field] === 'string' ? provider.options[field] : ''}
            />
          ))}
          {errors.options ? <p className="field-error">{errors.options}</p> : null}
        </>
      )}
    </FormDialog>
  );
}
