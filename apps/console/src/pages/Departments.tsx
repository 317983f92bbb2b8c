import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get } from '../api';
import { AllowedModelsField } from '../AllowedModels';
import { useLoad } from '../session';
import { QuotaManager } from '../Quotas';
import type { Department, Model, Page } from '../types';
import { Button, ConfirmButton, DataTable, FormDialog, Section, TextInput } from '../ui';

export function DepartmentsPage() {
  const { t } = useTranslation();
  const departments = useLoad(() => get<Page<Department>>('/api/departments?limit=500'), []);
  const models = useLoad(() => get<Page<Model>>('/api/models?limit=500'), []);
  const [budgetOf, setBudgetOf] = useState<Department | null>(null);
  const dialog = (department?: Department) => <DepartmentDialog department={department} models={models.data?.items ?? []} onSaved={departments.reload} />;
  return (
    <>
      <h1>{t('departments.title')}</h1>
      <Section title={t('departments.list')} actions={dialog()}>
        <DataTable
          caption={t('departments.list')}
          columns={[{ label: t('departments.name') }, { label: t('departments.models') }, { label: t('common.actions') }]}
          rows={departments.data?.items ?? []}
          rowKey={(d) => d.id}
          cells={(d) => [
            d.name,
            d.allowedModels === null ? t('departments.allModels') : d.allowedModels.join(', ') || t('departments.noModels'),
            <div className="row-actions">
              {dialog(d)}
              <Button className="button small" onPress={() => setBudgetOf(d)}>
                {t('departments.budget')}
              </Button>
              <ConfirmButton
                label={t('common.delete')}
                title={t('departments.deleteTitle', { name: d.name })}
                body={t('departments.deleteBody')}
                confirm={t('common.delete')}
                onConfirm={async () => {
                  await api('DELETE', `/api/departments/${d.id}`);
                  departments.reload();
                }}
              />
            </div>,
          ]}
        />
      </Section>
      {budgetOf ? (
        <QuotaManager key={budgetOf.id} scope="department" subjectId={budgetOf.id} title={t('departments.budgetOf', { name: budgetOf.name })} />
      ) : null}
    </>
  );
}

function DepartmentDialog({ department, models, onSaved }: { department?: Department; models: Model[]; onSaved: () => void }) {
  const { t } = useTranslation();
  const [every, setEvery] = useState(department ? department.allowedModels === null : true);
  const [allowed, setAllowed] = useState<string[]>(department?.allowedModels ?? []);
  const names = [...new Set([...models.map((m) => m.name), ...allowed])];
  return (
    <FormDialog
      trigger={department ? t('common.edit') : t('departments.add')}
      triggerClass={department ? 'button small' : 'button primary'}
      title={department ? t('departments.editTitle', { name: department.name }) : t('departments.add')}
      submit={t('common.save')}
      fields={['name', 'allowedModels']}
      onSubmit={async (values) => {
        const body = { name: values.name, allowedModels: every ? null : allowed };
        if (department) await api('PATCH', `/api/departments/${department.id}`, body);
        else await api('POST', '/api/departments', body);
        onSaved();
      }}
    >
      {() => (
        <>
          <TextInput name="name" label={t('departments.name')} defaultValue={department?.name} isRequired />
          <AllowedModelsField
            unrestricted={every}
            onUnrestrictedChange={setEvery}
            unrestrictedLabel={t('departments.everyModel')}
            label={t('departments.models')}
            names={names}
            allowed={allowed}
            onAllowedChange={setAllowed}
          />
        </>
      )}
    </FormDialog>
  );
}
