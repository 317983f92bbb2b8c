import { useTranslation } from 'react-i18next';
import { api, get } from '../api';
import { useFormat } from '../format';
import { useLoad, useSession } from '../session';
import type { ApiKey, Model, Page } from '../types';
import { ConfirmButton, CopyButton, DataTable, ErrorMessages, FormDialog, Section, TextInput } from '../ui';

export function KeysPage() {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <>
      <h1>{t('keys.title')}</h1>
      <p className="lead">{t('keys.intro')}</p>
      <KeyManager userId={session.me.id} title={t('keys.mine')} />
    </>
  );
}

/** A person's keys: list, mint (shown once, with how to use it) and revoke. */
export function KeyManager({ userId, title }: { userId: string; title: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const keys = useLoad(() => get<Page<ApiKey>>(`/api/users/${userId}/api-keys?limit=200`), [userId]);
  const status = (key: ApiKey) =>
    key.revokedAt ? t('keys.revoked') : key.expiresAt && Date.parse(key.expiresAt) < Date.now() ? t('keys.expired') : t('keys.active');
  return (
    <Section
      title={title}
      actions={
        <FormDialog
          trigger={t('keys.create')}
          title={t('keys.createTitle')}
          submit={t('keys.createSubmit')}
          fields={['name', 'expiresAt']}
          onSubmit={async (values) => {
            const body: Record<string, string> = {};
            if (values.name) body.name = values.name;
            if (values.expiresAt) body.expiresAt = new Date(`${values.expiresAt}T23:59:59`).toISOString();
            const created = await api<ApiKey>('POST', `/api/users/${userId}/api-keys`, body);
            keys.reload();
            return <NewKey apiKey={created.key ?? ''} />;
          }}
        >
          {() => (
            <>
              <TextInput name="name" label={t('keys.name')} description={t('keys.nameHint')} />
              <TextInput name="expiresAt" type="date" label={t('keys.expires')} description={t('keys.expiresHint')} />
            </>
          )}
        </FormDialog>
      }
    >
      <ErrorMessages messages={keys.error ? [(keys.error as Error).message] : []} />
      <DataTable
        caption={title}
        columns={[
          { label: t('keys.name') },
          { label: t('keys.prefix') },
          { label: t('keys.created') },
          { label: t('keys.expires') },
          { label: t('keys.status') },
          { label: t('common.actions') },
        ]}
        rows={keys.data?.items ?? []}
        rowKey={(key) => key.id}
        empty={t('keys.none')}
        rowClass={(key) => (key.revokedAt ? 'muted' : undefined)}
        cells={(key) => [
          key.name ?? t('keys.unnamed'),
          <code>{key.prefix}…</code>,
          format.dateTime(key.createdAt),
          key.expiresAt ? format.date(key.expiresAt) : t('keys.never'),
          status(key),
          key.revokedAt ? null : (
            <ConfirmButton
              label={t('keys.revoke')}
              title={t('keys.revokeTitle', { name: key.name ?? key.prefix })}
              body={t('keys.revokeBody')}
              confirm={t('keys.revokeConfirm')}
              onConfirm={async () => {
                await api('DELETE', `/api/api-keys/${key.id}`);
                keys.reload();
              }}
            />
          ),
        ]}
      />
    </Section>
  );
}

/** The key, this once, and one line per client showing where it goes. */
function NewKey({ apiKey }: { apiKey: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const models = useLoad(() => get<Page<Model>>('/api/models?limit=50').catch(() => ({ items: [], nextCursor: null })), []);
  const gateway = session.config.gatewayUrl;
  const model = models.data?.items[0]?.name ?? 'qwen-plus';
  const snippets = [
    {
      id: 'curl',
      label: 'curl',
      text: `curl ${gateway}/v1/chat/completions -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
    },
    { id: 'openai', label: t('keys.snippetOpenAI'), text: `from openai import OpenAI; client = OpenAI(base_url="${gateway}/v1", api_key="${apiKey}")` },
    { id: 'claude', label: 'Claude Code', text: `ANTHROPIC_BASE_URL=${gateway} ANTHROPIC_AUTH_TOKEN=${apiKey} claude` },
    { id: 'codex', label: 'Codex', text: `OPENAI_BASE_URL=${gateway}/v1 OPENAI_API_KEY=${apiKey} codex` },
  ];
  return (
    <div className="new-key">
      <p role="status">{t('keys.shownOnce')}</p>
      <div className="field">
        <label htmlFor="new-key">{t('keys.yourKey')}</label>
        <div className="copy-row">
          <input id="new-key" readOnly value={apiKey} className="mono" onFocus={(event) => event.currentTarget.select()} />
          <CopyButton text={apiKey} label={t('keys.copyKey')} />
        </div>
      </div>
      <h3>{t('keys.howTo')}</h3>
      {snippets.map((snippet) => (
        <div key={snippet.id} className="snippet">
          <div className="snippet-head">
            <span id={`snippet-${snippet.id}`}>{snippet.label}</span>
            <CopyButton text={snippet.text} label={t('keys.copySnippet', { client: snippet.label })} />
          </div>
          <pre aria-labelledby={`snippet-${snippet.id}`} tabIndex={0}>
            <code>{snippet.text}</code>
          </pre>
        </div>
      ))}
    </div>
  );
}
