import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AllowedModelsField } from '../AllowedModels';
import { api, get, query } from '../api';
import { href, Route, useViewParams } from '../router';
import { Session, useLoad, useSession } from '../session';
import { Department, Model, Page, Role, ROLES, User } from '../types';
import { QuotaManager } from '../Quotas';
import { Button, ConfirmButton, DataTable, ErrorMessages, FormDialog, Section, SelectInput, TextInput } from '../ui';

const USER_FIELDS = ['name', 'email', 'role', 'departmentId', 'password', 'allowedModels'] as const;

/** Admin: everyone; team lead: their department's people; finance: read only. */
export function PeoplePage({ route }: { route: Route }) {
  const { t } = useTranslation();
  const session = useSession();
  const [params, set] = useViewParams(route);
  const admin = session.me.role === 'admin';
  const lead = session.me.role === 'team_lead';
  const canWrite = session.can('users:write');
  const departmentId = lead ? (session.me.departmentId ?? '') : (params.get('department') ?? '');
  const departments = useLoad(() => get<Page<Department>>('/api/departments?limit=500'), []);
  const users = useLoad(() => get<Page<User>>(`/api/users${query({ departmentId, limit: 500 })}`), [departmentId]);
  const models = useLoad(() => (canWrite ? get<Page<Model>>('/api/models?limit=500') : Promise.resolve({ items: [], nextCursor: null })), [canWrite]);
  const dialog = (user?: User) => (
    <UserDialog
      session={session}
      departments={departments.data?.items ?? []}
      models={(models.data?.items ?? []).map((m) => m.name)}
      user={user}
      onSaved={users.reload}
    />
  );
  const departmentName = (id: string | null) => departments.data?.items.find((d) => d.id === id)?.name ?? '—';

  return (
    <>
      <h1>
        {t('people.title')} {lead ? <span className="scope">{session.me.departmentName}</span> : null}
      </h1>
      {!lead ? (
        <div className="toolbar">
          <SelectInput
            name="department"
            label={t('people.department')}
            value={departmentId}
            onChange={(value) => set({ department: value })}
            options={[{ value: '', label: t('usage.allDepartments') }, ...(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))]}
          />
        </div>
      ) : null}
      <ErrorMessages messages={users.error ? [(users.error as Error).message] : []} />
      <Section title={lead ? t('people.ofDepartment', { name: session.me.departmentName }) : t('people.title')} actions={canWrite ? dialog() : null}>
        <DataTable
          caption={t('people.title')}
          columns={[
            { label: t('people.name') },
            { label: t('people.email') },
            { label: t('people.role') },
            { label: t('people.department') },
            { label: t('people.models') },
            { label: t('people.status') },
            ...(canWrite ? [{ label: t('common.actions') }] : []),
          ]}
          rows={users.data?.items ?? []}
          rowKey={(user) => user.id}
          rowClass={(user) => (user.active ? undefined : 'muted')}
          cells={(user) => [
            <a href={href(`/people/${user.id}`)}>{user.name}</a>,
            user.email,
            t(`roles.${user.role}`),
            departmentName(user.departmentId),
            user.allowedModels === null ? t('people.departmentModelsShort') : user.allowedModels.join(', ') || t('departments.noModels'),
            user.active ? t('people.active') : t('people.inactive'),
            ...(canWrite
              ? [
                  <div className="row-actions">
                    {admin || user.role === 'developer' ? dialog(user) : null}
                    {user.active && user.id !== session.me.id && (admin || user.role === 'developer') ? (
                      <ConfirmButton
                        label={t('people.deactivate')}
                        title={t('people.deactivateTitle', { name: user.name })}
                        body={t('people.deactivateBody')}
                        confirm={t('people.deactivate')}
                        onConfirm={async () => {
                          await api('DELETE', `/api/users/${user.id}`);
                          users.reload();
                        }}
                      />
                    ) : null}
                    {!user.active && admin ? (
                      <Button className="button small" onPress={() => void api('PATCH', `/api/users/${user.id}`, { active: true }).then(users.reload)}>
                        {t('people.reactivate')}
                      </Button>
                    ) : null}
                  </div>,
                ]
              : []),
          ]}
        />
      </Section>
      {lead && session.me.departmentId ? (
        <QuotaManager scope="department" subjectId={session.me.departmentId} title={t('people.departmentBudget')} editable={false} />
      ) : null}
    </>
  );
}

/**
 * Add a person, or edit one (`user` given). A team lead may only make developers of their own
 * department. The models a person may call narrow their department's list (none: the department's).
 */
function UserDialog({
  session,
  departments,
  models,
  user,
  onSaved,
}: {
  session: Session;
  departments: Department[];
  models: string[];
  user?: User;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const admin = session.me.role === 'admin';
  const roles: Role[] = admin ? ROLES : ['developer'];
  const [departmentId, setDepartmentId] = useState(admin ? (user?.departmentId ?? '') : (session.me.departmentId ?? ''));
  const [sameAsDepartment, setSameAsDepartment] = useState(!user?.allowedModels);
  const [allowed, setAllowed] = useState<string[]>(user?.allowedModels ?? []);
  const departmentList = departments.find((d) => d.id === departmentId)?.allowedModels ?? null;
  const names = [...new Set([...(departmentList ?? models), ...allowed])];
  return (
    <FormDialog
      trigger={user ? t('people.edit') : t('people.add')}
      triggerClass={user ? 'button small' : 'button primary'}
      title={user ? t('people.editTitle', { name: user.name }) : t('people.addTitle')}
      submit={user ? t('common.save') : t('people.addSubmit')}
      fields={USER_FIELDS}
      onSubmit={async (values) => {
        const body: Record<string, unknown> = { name: values.name, email: values.email };
        if (admin) {
          body.role = values.role;
          body.departmentId = values.departmentId || null;
        } else if (!user) {
          body.role = 'developer';
          body.departmentId = session.me.departmentId;
        }
        if (values.password) body.password = values.password;
        body.allowedModels = sameAsDepartment ? null : allowed;
        if (user) await api('PATCH', `/api/users/${user.id}`, body);
        else await api('POST', '/api/users', body);
        onSaved();
      }}
    >
      {(errors) => (
        <>
          <TextInput name="name" label={t('people.name')} defaultValue={user?.name} isRequired />
          <TextInput name="email" type="email" label={t('people.email')} defaultValue={user?.email} isRequired />
          {admin ? (
            <>
              <SelectInput
                name="role"
                label={t('people.role')}
                defaultValue={user?.role ?? 'developer'}
                error={errors.role}
                options={roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
              />
              <SelectInput
                name="departmentId"
                label={t('people.department')}
                value={departmentId}
                onChange={setDepartmentId}
                error={errors.departmentId}
                options={[{ value: '', label: t('people.noDepartment') }, ...departments.map((d) => ({ value: d.id, label: d.name }))]}
              />
            </>
          ) : null}
          <TextInput
            name="password"
            type="password"
            label={user ? t('people.newPassword') : t('people.password')}
            autoComplete="new-password"
            description={t('people.passwordHint')}
          />
          <AllowedModelsField
            unrestricted={sameAsDepartment}
            onUnrestrictedChange={setSameAsDepartment}
            unrestrictedLabel={t('people.departmentModels')}
            label={t('people.models')}
            description={t('people.modelsHint')}
            names={names}
            allowed={allowed}
            onAllowedChange={setAllowed}
          />
        </>
      )}
    </FormDialog>
  );
}
