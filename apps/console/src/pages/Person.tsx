import { useTranslation } from 'react-i18next';
import { get } from '../api';
import { useFormat } from '../format';
import { href } from '../router';
import { useLoad, useSession } from '../session';
import { QuotaManager } from '../Quotas';
import type { User } from '../types';
import { ErrorMessages, Section } from '../ui';
import { KeyManager } from './Keys';

/** One person: profile, keys and quotas (a team lead's main page for a developer). */
export function PersonPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const user = useLoad(() => get<User>(`/api/users/${id}`), [id]);
  if (user.error) return <ErrorMessages messages={[(user.error as Error).message]} />;
  if (!user.data) return <p>{t('common.loading')}</p>;
  const person = user.data;
  const canManage = session.can('users:write') && (session.me.role === 'admin' || person.role === 'developer');
  return (
    <>
      <p>
        <a href={href('/people')}>{t('people.back')}</a>
      </p>
      <h1>{person.name}</h1>
      <Section title={t('account.profile')}>
        <dl className="facts">
          <dt>{t('people.email')}</dt>
          <dd>{person.email}</dd>
          <dt>{t('people.role')}</dt>
          <dd>{t(`roles.${person.role}`)}</dd>
          <dt>{t('people.status')}</dt>
          <dd>{person.active ? t('people.active') : t('people.inactive')}</dd>
          <dt>{t('people.models')}</dt>
          <dd>{person.allowedModels === null ? t('people.departmentModels') : person.allowedModels.join(', ') || t('departments.noModels')}</dd>
          <dt>{t('keys.created')}</dt>
          <dd>{format.dateTime(person.createdAt)}</dd>
        </dl>
      </Section>
      {canManage ? <KeyManager userId={person.id} title={t('people.keysOf', { name: person.name })} /> : null}
      <QuotaManager
        scope="user"
        subjectId={person.id}
        title={t('people.quotasOf', { name: person.name })}
        editable={canManage && person.id !== session.me.id}
      />
    </>
  );
}
