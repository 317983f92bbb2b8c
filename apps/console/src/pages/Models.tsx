import { useTranslation } from 'react-i18next';
import { api, get } from '../api';
import { useFormat } from '../format';
import { useLoad } from '../session';
import type { Model, Page, Provider } from '../types';
import { ConfirmButton, DataTable, FormDialog, Section, SelectInput, TextInput } from '../ui';

const CURRENCIES = ['CNY', 'USD'];

export function ModelsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const models = useLoad(() => get<Page<Model>>('/api/models?limit=500'), []);
  const providers = useLoad(() => get<Page<Provider>>('/api/providers?limit=200'), []);
  const providerName = (id: string) => providers.data?.items.find((p) => p.id === id)?.name ?? '—';
  const dialog = (model?: Model) => <ModelDialog model={model} providers={providers.data?.items ?? []} onSaved={models.reload} />;
  return (
    <>
      <h1>{t('models.title')}</h1>
      <Section title={t('models.catalog')} actions={dialog()}>
        <p className="lead">{t('models.pricesPer')}</p>
        <DataTable
          caption={t('models.catalog')}
          columns={[
            { label: t('models.name') },
            { label: t('models.provider') },
            { label: t('models.upstream') },
            { label: t('models.input'), numeric: true },
            { label: t('models.output'), numeric: true },
            { label: t('models.cached'), numeric: true },
            { label: t('common.actions') },
          ]}
          rows={models.data?.items ?? []}
          rowKey={(m) => m.id}
          cells={(m) => [
            m.name,
            providerName(m.providerId),
            m.upstreamModel ?? '—',
            format.money(m.inputPrice, m.currency),
            format.money(m.outputPrice, m.currency),
            m.cachedInputPrice === null ? '—' : format.money(m.cachedInputPrice, m.currency),
            <div className="row-actions">
              {dialog(m)}
              <ConfirmButton
                label={t('common.delete')}
                title={t('models.deleteTitle', { name: m.name })}
                body={t('models.deleteBody')}
                confirm={t('common.delete')}
                onConfirm={async () => {
                  await api('DELETE', `/api/models/${m.id}`);
                  models.reload();
                }}
              />
            </div>,
          ]}
        />
      </Section>
    </>
  );
}

function ModelDialog({ model, providers, onSaved }: { model?: Model; providers: Provider[]; onSaved: () => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog
      trigger={model ? t('common.edit') : t('models.add')}
      triggerClass={model ? 'button small' : 'button primary'}
      title={model ? t('models.editTitle', { name: model.name }) : t('models.add')}
      submit={t('common.save')}
      fields={['name', 'providerId', 'upstreamModel', 'inputPrice', 'outputPrice', 'cachedInputPrice', 'currency']}
      onSubmit={async (values) => {
        const body = {
          name: values.name,
          providerId: values.providerId,
          upstreamModel: values.upstreamModel || null,
          inputPrice: values.inputPrice,
          outputPrice: values.outputPrice,
          cachedInputPrice: values.cachedInputPrice || null,
          currency: values.currency,
        };
        if (model) await api('PATCH', `/api/models/${model.id}`, body);
        else await api('POST', '/api/models', body);
        onSaved();
      }}
    >
      {(errors) => (
        <>
          <TextInput name="name" label={t('models.name')} defaultValue={model?.name} description={t('models.nameHint')} isRequired />
          <SelectInput
            name="providerId"
            label={t('models.provider')}
            defaultValue={model?.providerId}
            error={errors.providerId}
            options={providers.map((p) => ({ value: p.id, label: p.name }))}
          />
          <TextInput name="upstreamModel" label={t('models.upstream')} defaultValue={model?.upstreamModel ?? ''} />
          <TextInput name="inputPrice" label={t('models.input')} inputMode="decimal" defaultValue={model?.inputPrice} isRequired />
          <TextInput name="outputPrice" label={t('models.output')} inputMode="decimal" defaultValue={model?.outputPrice} isRequired />
          <TextInput name="cachedInputPrice" label={t('models.cached')} inputMode="decimal" defaultValue={model?.cachedInputPrice ?? ''} />
          <SelectInput
            name="currency"
            label={t('models.currency')}
            defaultValue={model?.currency ?? 'CNY'}
            error={errors.currency}
            options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          />
        </>
      )}
    </FormDialog>
  );
}
