import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { get, query } from '../api';
import { useFormat } from '../format';
import { Route, useViewParams } from '../router';
import type { AuditEntry, Page } from '../types';
import { DataTable, ErrorMessages, Section, TextInput } from '../ui';
import { formText } from '../forms';

const FILTERS = ['action', 'entityType', 'entityId', 'actorId'] as const;

/** Who changed what: filters in the address, newest first, "more" pages on by cursor. */
export function AuditPage({ route }: { route: Route }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [params, set] = useViewParams(route);
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? '']));
  const key = JSON.stringify(filters);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const load = async (after: string | null) => {
    try {
      const page = await get<Page<AuditEntry>>(`/api/audit-log${query({ ...filters, limit: 50, cursor: after })}`);
      setItems((previous) => (after ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load(null);
  }, [key]); // back to the first page only when the filter changes
  const changes = (entry: AuditEntry) => {
    const after = entry.after ?? {};
    const before = entry.before ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) && !['updatedAt', 'createdAt'].includes(k),
    );
    return keys.map((k) => `${k}: ${before[k] === undefined ? '' : `${JSON.stringify(before[k])} → `}${JSON.stringify(after[k] ?? null)}`).join('; ');
  };
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <Section title={t('audit.filters')}>
        <Form
          className="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            set(Object.fromEntries(FILTERS.map((f) => [f, formText(data.get(f))])));
          }}
        >
          {FILTERS.map((f) => (
            <TextInput
              key={`${f}-${filters[f]}`}
              name={f}
              label={t(`audit.${f}`)}
              defaultValue={filters[f]}
              placeholder={f === 'action' ? 'user.create' : f === 'entityType' ? 'user' : ''}
            />
          ))}
          <Button type="submit" className="button primary">
            {t('audit.apply')}
          </Button>
        </Form>
      </Section>
      <ErrorMessages messages={error ? [error] : []} />
      <Section title={t('audit.entries')}>
        <DataTable
          caption={t('audit.entries')}
          columns={[
            { label: t('audit.when') },
            { label: t('audit.actor') },
            { label: t('audit.action') },
            { label: t('audit.entity') },
            { label: t('audit.changes') },
          ]}
          rows={items}
          rowKey={(e) => e.id}
          cells={(e) => [
            format.dateTime(e.createdAt),
            e.actorEmail ?? t('audit.system'),
            <code>{e.action}</code>,
            `${e.entityType}${e.entityId ? ` ${e.entityId}` : ''}`,
            <span className="changes">{changes(e)}</span>,
          ]}
        />
        {cursor ? (
          <Button className="button" onPress={() => void load(cursor)}>
            {t('audit.more')}
          </Button>
        ) : null}
      </Section>
    </>
  );
}
