import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useSession } from '../session';
import { ApiForm, Section, TextInput } from '../ui';

export function AccountPage() {
  const { t } = useTranslation();
  const session = useSession();
  const [done, setDone] = useState(false);
  return (
    <>
      <h1>{t('account.title')}</h1>
      <Section title={t('account.profile')}>
        <dl className="facts">
          <dt>{t('people.name')}</dt>
          <dd>{session.me.name}</dd>
          <dt>{t('people.email')}</dt>
          <dd>{session.me.email}</dd>
          <dt>{t('people.role')}</dt>
          <dd>{t(`roles.${session.me.role}`)}</dd>
          <dt>{t('people.department')}</dt>
          <dd>{session.me.departmentName ?? '—'}</dd>
        </dl>
      </Section>
      <Section title={t('account.changePassword')}>
        <ApiForm
          fields={['currentPassword', 'newPassword']}
          submit={t('account.save')}
          onSubmit={async (values, form) => {
            setDone(false);
            const answer = await api<{ accessToken?: string } | undefined>('POST', '/api/auth/password', {
              currentPassword: values.currentPassword,
              newPassword: values.newPassword,
            });
            if (answer?.accessToken) session.refreshToken(answer.accessToken);
            form.reset();
            setDone(true);
          }}
          footer={<p role="status">{done ? t('account.changed') : ''}</p>}
        >
          {() => (
            <>
              <TextInput name="currentPassword" type="password" label={t('account.currentPassword')} autoComplete="current-password" isRequired />
              <TextInput
                name="newPassword"
                type="password"
                label={t('account.newPassword')}
                autoComplete="new-password"
                description={t('account.passwordRule')}
                isRequired
              />
            </>
          )}
        </ApiForm>
      </Section>
    </>
  );
}
