import { useTranslation } from 'react-i18next';
import { api, get, query } from '../api';
import { href, Route, useViewParams } from '../router';
import { Session, useLoad, useSession } from '../session';
import { Department, Page, Role, ROLES, User } from '../types';
import { QuotaManager } from '../Quotas';
import { Button, ConfirmButton, DataTable, ErrorMessages, FormDialog, Section, SelectInput, TextInput } from '../ui';

const USER_FIELDS = ['name', 'email', 'role', 'departmentId', 'password'] as const;

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
      <Section
        title={lead ? t('people.ofDepartment', { name: session.me.departmentName }) : t('people.title')}
        actions={canWrite ? <UserDialog session={session} departments={departments.data?.items ?? []} onSaved={users.reload} /> : null}
      >
        <DataTable
          caption={t('people.title')}
          columns={[
            { label: t('people.name') },
            { label: t('people.email') },
            { label: t('people.role') },
            { label: t('people.department') },
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
            user.active ? t('people.active') : t('people.inactive'),
            ...(canWrite
              ? [
                  <div className="row-actions">
                    {admin || user.role === 'developer' ? (
                      <UserDialog session={session} departments={departments.data?.items ?? []} user={user} onSaved={users.reload} />
                    ) : null}
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

/** Add a person, or edit one (`user` given). A team lead may only make developers of their own department. */
function UserDialog({ session, departments, user, onSaved }: { session: Session; departments: Department[]; user?: User; onSaved: () => void }) {
  const { t } = useTranslation();
  const admin = session.me.role === 'admin';
  const roles: Role[] = admin ? ROLES : ['developer'];
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
                defaultValue={user?.departmentId ?? ''}
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
        </>
      )}
    </FormDialog>
  );
}
