import { useTranslation } from 'react-i18next';
import { api, ApiError, setToken } from '../api';
import type { ConsoleConfig } from '../types';
import { ApiForm, TextInput } from '../ui';

export function SignInPage({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: () => void }) {
  const { t } = useTranslation();
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
      <ApiForm
        fields={['email', 'password']}
        submit={t('signIn.submit')}
        onSubmit={async (values) => {
          const answer = await api<{ accessToken: string }>('POST', '/api/auth/login', { email: values.email, password: values.password });
          setToken(answer.accessToken);
          onSignedIn();
        }}
        explain={(error) => {
          if (error instanceof ApiError && error.status === 401) return [t('signIn.wrong')];
          if (error instanceof ApiError && error.status === 429) return [t('signIn.throttled')];
          return undefined;
        }}
      >
        {() => (
          <>
            <TextInput name="email" type="email" label={t('signIn.email')} autoComplete="username" isRequired />
            <TextInput name="password" type="password" label={t('signIn.password')} autoComplete="current-password" isRequired />
          </>
        )}
      </ApiForm>
    </div>
  );
}
