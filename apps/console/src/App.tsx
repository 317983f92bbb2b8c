import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get, getToken, setToken, SIGNED_OUT } from './api';
import { LANGUAGES, setLanguage } from './i18n';
import { AccountPage } from './pages/Account';
import { AuditPage } from './pages/Audit';
import { DepartmentsPage } from './pages/Departments';
import { KeysPage } from './pages/Keys';
import { ModelsPage } from './pages/Models';
import { PeoplePage } from './pages/People';
import { PersonPage } from './pages/Person';
import { ProvidersPage } from './pages/Providers';
import { ReportsPage } from './pages/Reports';
import { SignInPage } from './pages/SignIn';
import { UsagePage } from './pages/Usage';
import { href, Route, useRoute } from './router';
import { Session, SessionContext } from './session';
import type { ConsoleConfig, Me } from './types';
import { Button } from './ui';

interface NavItem {
  path: string;
  label: string;
  show: (can: (p: string) => boolean) => boolean;
}

const NAV: NavItem[] = [
  { path: '/usage', label: 'nav.usage', show: () => true },
  { path: '/keys', label: 'nav.keys', show: (can) => can('api-keys:manage') },
  { path: '/people', label: 'nav.people', show: (can) => can('users:read') },
  { path: '/reports', label: 'nav.reports', show: (can) => can('reports:read') },
  { path: '/providers', label: 'nav.providers', show: (can) => can('providers:read') || can('provider-quota:read') },
  { path: '/models', label: 'nav.models', show: (can) => can('models:write') },
  { path: '/departments', label: 'nav.departments', show: (can) => can('departments:write') },
  { path: '/audit', label: 'nav.audit', show: (can) => can('audit:read') },
  { path: '/account', label: 'nav.account', show: () => true },
];

export function App() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const loadMe = useCallback(() => {
    if (!getToken()) {
      setMe(null);
      return;
    }
    get<Me>('/api/me').then(setMe, () => setMe(null));
  }, []);

  useEffect(() => {
    get<ConsoleConfig>('/api/console/config').then(setConfig, () =>
      setConfig({ gatewayUrl: `${location.protocol}//${location.hostname}:8080`, needsFirstAdmin: false, firstAdminCommand: '' }),
    );
    loadMe();
    const signedOut = () => setMe(null);
    window.addEventListener(SIGNED_OUT, signedOut);
    return () => window.removeEventListener(SIGNED_OUT, signedOut);
  }, [loadMe]);

  useEffect(() => {
    document.title = t('app.name');
  }, [t, i18n.language]);

  const session = useMemo<Session | null>(() => {
    if (!me || !config) return null;
    const permissions = new Set(me.permissions);
    return {
      me,
      config,
      can: (permission) => permissions.has(permission),
      signOut: () => {
        // end this session on the server where the route exists; the token is dropped in any case
        void api('POST', '/api/auth/logout').catch(() => undefined);
        setToken(null);
        setMe(null);
      },
      refreshToken: (token) => setToken(token),
    };
  }, [me, config]);

  const languageSwitch = (
    <div className="language">
      <label htmlFor="language">{t('app.language')}</label>
      <select id="language" value={i18n.language} onChange={(event) => setLanguage(event.target.value)}>
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code} lang={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </div>
  );

  if (me === undefined || !config) return <p className="loading">{t('common.loading')}</p>;
  if (!session) {
    return (
      <>
        <header className="topbar">
          <span className="brand">{t('app.name')}</span>
          {languageSwitch}
        </header>
        <main id="main">
          <SignInPage config={config} onSignedIn={loadMe} />
        </main>
      </>
    );
  }

  const items = NAV.filter((item) => item.show(session.can));
  const section = '/' + (route.path.split('/')[1] ?? '');
  return (
    <SessionContext.Provider value={session}>
      <a
        className="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {items.map((item) => (
              <li key={item.path}>
                <a href={href(item.path)} aria-current={section === item.path || (section === '/' && item.path === '/usage') ? 'page' : undefined}>
                  {t(item.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {session.me.name} · {t(`roles.${session.me.role}`)}
            {session.me.departmentName ? ` · ${session.me.departmentName}` : ''}
          </span>
          {languageSwitch}
          <Button className="button small" onPress={session.signOut}>
            {t('app.signOut')}
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  const [, section, id] = route.path.split('/');
  switch (section) {
    case 'keys':
      return <KeysPage />;
    case 'people':
      return id ? <PersonPage id={id} /> : <PeoplePage route={route} />;
    case 'reports':
      return <ReportsPage route={route} />;
    case 'providers':
      return <ProvidersPage route={route} />;
    case 'models':
      return <ModelsPage />;
    case 'departments':
      return <DepartmentsPage />;
    case 'audit':
      return <AuditPage route={route} />;
    case 'account':
      return <AccountPage />;
    default:
      return <UsagePage route={route} />;
  }
}
