import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useSession } from '../session';
import { ErrorMessages, Section, TextInput, useFormErrors } from '../ui';
import { formText } from '../forms';

export function AccountPage() {
  const { t } = useTranslation();
  const session = useSession();
  const errors = useFormErrors(['currentPassword', 'newPassword']);
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
        <Form
          validationBehavior="aria"
          validationErrors={errors.byField}
          onSubmit={(event) =>
            void (async () => {
              event.preventDefault();
              const form = event.currentTarget;
              const data = new FormData(form);
              errors.clear();
              setDone(false);
              try {
                const answer = await api<{ accessToken?: string } | undefined>('POST', '/api/auth/password', {
                  currentPassword: formText(data.get('currentPassword')),
                  newPassword: formText(data.get('newPassword')),
                });
                if (answer?.accessToken) session.refreshToken(answer.accessToken);
                form.reset();
                setDone(true);
              } catch (error) {
                errors.show(error);
              }
            })()
          }
        >
          <ErrorMessages messages={errors.general} />
          <div className="form-body" onInput={(event) => errors.drop((event.target as HTMLInputElement).name)}>
            <TextInput name="currentPassword" type="password" label={t('account.currentPassword')} autoComplete="current-password" isRequired />
            <TextInput
              name="newPassword"
              type="password"
              label={t('account.newPassword')}
              autoComplete="new-password"
              description={t('account.passwordRule')}
              isRequired
            />
          </div>
          <Button type="submit" className="button primary">
            {t('account.save')}
          </Button>
          <p role="status">{done ? t('account.changed') : ''}</p>
        </Form>
      </Section>
    </>
  );
}
