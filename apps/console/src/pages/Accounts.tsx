import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get } from '../api';
import { useFormat } from '../format';
import { useLoad } from '../session';
import type { Provider } from '../types';
import { ConfirmButton, DataTable, ErrorMessages, FormDialog, Section, TextInput } from '../ui';

interface UsageWindow {
  window?: string;
  name?: string;
  kind?: string;
  limitWindowSeconds?: number;
  windowSeconds?: number;
  usedPercent?: number;
  resetsAt?: string | null;
  resetAt?: string | null;
}

/** An account as `/api/providers/quota` reports it (fields read defensively: older servers have none). */
export interface SnapshotAccount {
  accountId?: string;
  id?: string;
  name?: string;
  accountName?: string;
  status?: string;
  plan?: string | null;
  credits?: { balance?: string | number | null } | string | number | null;
  windows?: UsageWindow[] | Record<string, UsageWindow | null>;
  message?: string | null;
}

interface Account {
  id: string;
  name: string;
  weight?: number;
  enabled?: boolean;
  status?: string;
  coolingUntil?: string | null;
  lastError?: string | null;
  limitGroup?: string | null;
  failedAttempts?: number;
}

/** 5 h / 7 d by the window's length (never by position), else by its label. */
function windowLabel(key: string, w: UsageWindow): string {
  const seconds = w.limitWindowSeconds ?? w.windowSeconds;
  if (seconds === 18000) return '5h';
  if (seconds === 604800) return '7d';
  const name = w.window ?? w.name ?? w.kind ?? key;
  if (/5\s*h|five|primary/i.test(name)) return '5h';
  if (/7\s*d|seven|week|secondary/i.test(name)) return '7d';
  return name;
}

function windowsOf(account: SnapshotAccount): Array<{ label: string; usedPercent?: number; resetsAt?: string | null }> {
  const raw = account.windows;
  if (!raw) return [];
  const entries: Array<[string, UsageWindow | null]> = Array.isArray(raw) ? raw.map((w, i) => [String(i), w]) : Object.entries(raw);
  return entries
    .filter((e): e is [string, UsageWindow] => !!e[1])
    .map(([key, w]) => ({ label: windowLabel(key, w), usedPercent: w.usedPercent, resetsAt: w.resetsAt ?? w.resetAt }));
}

export function AccountWindows({ accounts, providerName }: { accounts: SnapshotAccount[]; providerName: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const windowCell = (account: SnapshotAccount, label: string) => {
    const w = windowsOf(account).find((x) => x.label === label);
    if (!w) return '—';
    const used = w.usedPercent === undefined ? '—' : format.percent(w.usedPercent / 100);
    return (
      <span className={w.usedPercent !== undefined && w.usedPercent >= 90 ? 'badge bad' : undefined}>
        {used}
        {w.resetsAt
          ? ` · ${Date.parse(w.resetsAt) > Date.now() ? t('providers.resets', { when: format.fromNow(w.resetsAt) }) : t('providers.resetSincePoll')}`
          : ''}
      </span>
    );
  };
  return (
    <DataTable
      caption={t('providers.accountsOf', { name: providerName })}
      columns={[
        { label: t('providers.account') },
        { label: t('providers.status') },
        { label: t('providers.window5h') },
        { label: t('providers.window7d') },
        { label: t('providers.plan') },
      ]}
      rows={accounts}
      rowKey={(a) => a.accountId ?? a.id ?? a.name ?? JSON.stringify(a)}
      cells={(a) => [
        a.name ?? a.accountName ?? a.accountId ?? '—',
        a.status ? t(`providers.accountStatuses.${a.status}`, { defaultValue: a.status }) : '—',
        windowCell(a, '5h'),
        windowCell(a, '7d'),
        a.plan ?? '—',
      ]}
    />
  );
}

/** A provider's upstream accounts (credentials write-only). Shown when the server has the accounts routes. */
export function AccountsPanel({ provider, providerId }: { provider?: Provider; providerId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const accounts = useLoad(() => get<{ items: Account[] }>(`/api/providers/${providerId}/accounts`), [providerId]);
  const name = provider?.name ?? providerId;
  const missing = accounts.error instanceof ApiError && accounts.error.status === 404 && !provider;
  const unsupported = accounts.error instanceof ApiError && accounts.error.status === 404;
  return (
    <Section title={t('providers.accountsOf', { name })} actions={unsupported ? null : <AccountDialog providerId={providerId} onSaved={accounts.reload} />}>
      {unsupported ? (
        <p>{missing ? t('errors.notFound') : t('providers.accountsUnavailable')}</p>
      ) : (
        <ErrorMessages messages={accounts.error ? [(accounts.error as Error).message] : []} />
      )}
      {accounts.data ? (
        <DataTable
          caption={t('providers.accountsOf', { name })}
          columns={[
            { label: t('providers.account') },
            { label: t('providers.weight'), numeric: true },
            { label: t('providers.status') },
            { label: t('providers.lastError') },
            { label: t('common.actions') },
          ]}
          rows={accounts.data.items}
          rowKey={(a) => a.id}
          cells={(a) => [
            a.name,
            format.number(a.weight ?? 1),
            `${a.status ? t(`providers.accountStatuses.${a.status}`, { defaultValue: a.status }) : '—'}${a.coolingUntil ? ` (${format.fromNow(a.coolingUntil)})` : ''}`,
            a.lastError ?? '—',
            <div className="row-actions">
              <AccountDialog providerId={providerId} account={a} onSaved={accounts.reload} />
              <Button
                className="button small"
                onPress={() => void api('PATCH', `/api/providers/${providerId}/accounts/${a.id}`, { enabled: a.enabled === false }).then(accounts.reload)}
              >
                {a.enabled === false ? t('providers.enable') : t('providers.disable')}
              </Button>
              <ConfirmButton
                label={t('common.delete')}
                title={t('providers.deleteAccountTitle', { name: a.name })}
                body={t('providers.deleteAccountBody')}
                confirm={t('common.delete')}
                onConfirm={async () => {
                  await api('DELETE', `/api/providers/${providerId}/accounts/${a.id}`);
                  accounts.reload();
                }}
              />
            </div>,
          ]}
        />
      ) : null}
    </Section>
  );
}

function AccountDialog({ providerId, account, onSaved }: { providerId: string; account?: Account; onSaved: () => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog
      trigger={account ? t('common.edit') : t('providers.addAccount')}
      triggerClass={account ? 'button small' : 'button primary'}
      title={account ? t('providers.editAccountTitle', { name: account.name }) : t('providers.addAccount')}
      submit={t('common.save')}
      fields={['name', 'apiKey', 'weight', 'limitGroup']}
      onSubmit={async (values) => {
        const body: Record<string, unknown> = { name: values.name };
        if (values.apiKey) body.apiKey = values.apiKey;
        if (values.weight) body.weight = Number(values.weight);
        if (account) await api('PATCH', `/api/providers/${providerId}/accounts/${account.id}`, body);
        else await api('POST', `/api/providers/${providerId}/accounts`, body);
        onSaved();
      }}
    >
      {() => (
        <>
          <TextInput name="name" label={t('providers.account')} defaultValue={account?.name} isRequired />
          <TextInput
            name="apiKey"
            type="password"
            autoComplete="off"
            label={t('providers.apiKey')}
            description={account ? t('providers.writeOnlyKeep') : t('providers.writeOnly')}
          />
          <TextInput
            name="weight"
            label={t('providers.weight')}
            inputMode="numeric"
            defaultValue={account?.weight === undefined ? '' : String(account.weight)}
          />
        </>
      )}
    </FormDialog>
  );
}
