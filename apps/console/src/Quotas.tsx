import { useTranslation } from 'react-i18next';
import { api, get, query } from './api';
import { useFormat } from './format';
import { QuotaTable } from './pages/Usage';
import { useLoad, useSession } from './session';
import type { QuotaStatus } from './types';
import { ConfirmButton, FormDialog, SelectInput, TextInput } from './ui';

const PERIODS = ['minute', 'day', 'week', 'month'] as const;

/** A user's or a department's quotas: used / remaining / reset, and (with the right) set, change, remove. */
export function QuotaManager({
  scope,
  subjectId,
  title,
  editable = true,
}: {
  scope: 'user' | 'department';
  subjectId: string;
  title: string;
  editable?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const status = useLoad(() => get<{ items: QuotaStatus[] }>(`/api/quotas/status${query({ scope, subjectId })}`), [scope, subjectId]);
  const canWrite = editable && session.can('quotas:write');
  return (
    <QuotaTable
      toolbar={canWrite ? <QuotaDialog scope={scope} subjectId={subjectId} onSaved={status.reload} /> : undefined}
      title={title}
      items={status.data?.items ?? []}
      format={format}
      actions={
        canWrite
          ? (quota) => (
              <div className="row-actions">
                <QuotaDialog scope={scope} subjectId={subjectId} existing={quota} onSaved={status.reload} />
                <ConfirmButton
                  label={t('quotas.remove')}
                  title={t('quotas.removeTitle', { period: t(`periods.${quota.period}`) })}
                  body={t('quotas.removeBody')}
                  confirm={t('quotas.remove')}
                  onConfirm={async () => {
                    await api('DELETE', `/api/quotas/${quota.quotaId}`);
                    status.reload();
                  }}
                />
              </div>
            )
          : undefined
      }
    />
  );
}

function QuotaDialog({
  scope,
  subjectId,
  existing,
  onSaved,
}: {
  scope: 'user' | 'department';
  subjectId: string;
  existing?: QuotaStatus;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const number = (value: string) => (value.trim() === '' ? null : value.trim());
  return (
    <FormDialog
      trigger={existing ? t('quotas.change') : t('quotas.set')}
      triggerClass={existing ? 'button small' : 'button primary'}
      title={existing ? t('quotas.changeTitle', { period: t(`periods.${existing.period}`) }) : t('quotas.setTitle')}
      submit={t('common.save')}
      fields={['period', 'maxTokens', 'maxRequests', 'maxCost']}
      onSubmit={async (values) => {
        const maxTokens = number(values.maxTokens);
        const maxRequests = number(values.maxRequests);
        await api('PUT', '/api/quotas', {
          scope,
          subjectId,
          period: existing?.period ?? values.period,
          maxTokens: maxTokens === null ? null : Number(maxTokens),
          maxRequests: maxRequests === null ? null : Number(maxRequests),
          maxCost: number(values.maxCost),
        });
        onSaved();
      }}
    >
      {(errors) => (
        <>
          {existing ? null : (
            <SelectInput
              name="period"
              label={t('quotas.period')}
              defaultValue="day"
              error={errors.period}
              options={PERIODS.map((p) => ({ value: p, label: t(`periods.${p}`) }))}
            />
          )}
          <TextInput
            name="maxTokens"
            label={t('quotas.maxTokens')}
            inputMode="numeric"
            defaultValue={existing?.limit.tokens ?? ''}
            description={t('quotas.emptyNoLimit')}
          />
          <TextInput
            name="maxRequests"
            label={t('quotas.maxRequests')}
            inputMode="numeric"
            defaultValue={existing?.limit.requests ?? ''}
            description={t('quotas.emptyNoLimit')}
          />
          <TextInput
            name="maxCost"
            label={t('quotas.maxCost')}
            inputMode="decimal"
            defaultValue={existing?.limit.cost ?? ''}
            description={t('quotas.costHint')}
          />
        </>
      )}
    </FormDialog>
  );
}
