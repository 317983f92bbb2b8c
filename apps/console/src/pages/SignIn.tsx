import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setToken } from '../api';
import type { ConsoleConfig } from '../types';
import { ErrorMessages, TextInput, useFormErrors } from '../ui';
import { formText } from '../forms';

export function SignInPage({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: () => void }) {
  const { t } = useTranslation();
  const errors = useFormErrors(['email', 'password']);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string[]>([]);
  return (
    <div className="signin card">
      <h1>{t('signIn.title')}</h1>
      {config.needsFirstAdmin ? (
        <div className="note" role="note">
          <p>{t('signIn.firstAdmin')}</p>
          <pre>
            <code>{config.firstAdminCommand}</code>
          </pre>
          <p>{t('signIn.firstAdminEnv')}</p>
        </div>
      ) : null}
      <Form
        validationBehavior="aria"
        validationErrors={errors.byField}
        onSubmit={(event) =>
          void (async () => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            setBusy(true);
            setMessage([]);
            errors.clear();
            try {
              const answer = await api<{ accessToken: string }>('POST', '/api/auth/login', {
                email: formText(data.get('email')),
                password: formText(data.get('password')),
              });
              setToken(answer.accessToken);
              onSignedIn();
            } catch (error) {
              if (error instanceof ApiError && error.status === 401) setMessage([t('signIn.wrong')]);
              else if (error instanceof ApiError && error.status === 429) setMessage([t('signIn.throttled')]);
              else errors.show(error);
            } finally {
              setBusy(false);
            }
          })()
        }
      >
        <ErrorMessages messages={[...message, ...errors.general]} />
        <div className="form-body" onInput={(event) => errors.drop((event.target as HTMLInputElement).name)}>
          <TextInput name="email" type="email" label={t('signIn.email')} autoComplete="username" isRequired />
          <TextInput name="password" type="password" label={t('signIn.password')} autoComplete="current-password" isRequired />
        </div>
        <Button type="submit" className="button primary" isDisabled={busy}>
          {t('signIn.submit')}
        </Button>
      </Form>
    </div>
  );
}
