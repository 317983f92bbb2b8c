import { ReactNode, useId, useState } from 'react';
import { Button, Dialog, DialogTrigger, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, Text, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api';
import { formText } from './forms';

export { Button };

/** A labelled text input; server errors for its `name` come from the surrounding Form's validationErrors. */
export function TextInput(props: {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'date' | 'month' | 'url';
  isRequired?: boolean;
  defaultValue?: string;
  value?: string;
  onChange?: (value: string) => void;
  description?: string;
  autoComplete?: string;
  placeholder?: string;
  inputMode?: 'numeric' | 'decimal';
}) {
  return (
    <TextField
      className="field"
      name={props.name}
      type={props.type ?? 'text'}
      isRequired={props.isRequired}
      defaultValue={props.defaultValue}
      value={props.value}
      onChange={props.onChange}
      autoComplete={props.autoComplete}
      inputMode={props.inputMode}
    >
      <Label>{props.label}</Label>
      <Input placeholder={props.placeholder} />
      {props.description ? <Text slot="description">{props.description}</Text> : null}
      <FieldError className="field-error" />
    </TextField>
  );
}

/** A native select (the platform's own keyboard and screen-reader support), labelled, with its error. */
export function SelectInput(props: {
  name: string;
  label: string;
  options: Array<{ value: string; label: string }>;
  value?: string;
  defaultValue?: string;
  onChange?: (value: string) => void;
  error?: string;
  isDisabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        defaultValue={props.defaultValue}
        disabled={props.isDisabled}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(event) => props.onChange?.(event.target.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error ? (
        <span id={`${id}-error`} className="field-error">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

export function ErrorMessages({ messages }: { messages: string[] }) {
  if (!messages.length) return null;
  return (
    <div role="alert" className="alert">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

/** What an API error means for a form: messages beside the named fields, the rest above. */
export function useFormErrors(fields: readonly string[]) {
  const { t, i18n } = useTranslation();
  const [byField, setByField] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  return {
    byField,
    general,
    clear: () => {
      setByField({});
      setGeneral([]);
    },
    /** The person is fixing this field: its complaint goes (while typing, so nothing moves under the pointer on blur). */
    drop: (field: string) =>
      setByField((previous) => (field in previous ? Object.fromEntries(Object.entries(previous).filter(([name]) => name !== field)) : previous)),
    show: (error: unknown) => {
      if (error instanceof ApiError) {
        const split = error.split(fields);
        setByField(Object.fromEntries(Object.entries(split.byField).map(([field, problem]) => [field, describeProblem(t, i18n.language, problem)])));
        setGeneral(split.general.map((message) => (error.status === 403 ? t('errors.forbidden') : message)));
      } else {
        setByField({});
        setGeneral([t('errors.network')]);
      }
    },
  };
}

/**
 * What to say beside a field: in Chinese the translation of the machine code when we have one
 * (the server's sentences are English), otherwise the server's sentence, which is the most precise.
 */
function describeProblem(
  t: (key: string, options?: Record<string, unknown>) => string,
  language: string,
  problem: { code?: string; message?: string },
): string {
  const translated = problem.code ? t(`errors.codes.${problem.code}`, { defaultValue: '' }) : '';
  if (translated && (language !== 'en' || !problem.message)) return translated;
  return problem.message ?? problem.code ?? '';
}

/**
 * A form whose submit calls the API: `onSubmit` gets the form's values (and the form); the submit
 * button is disabled while it runs; an API error is shown beside the field it names, or above the
 * form. `explain` tells some errors in the form's own words (a wrong password, a throttled sign-in).
 */
export function ApiForm(props: {
  fields: readonly string[];
  submit: string;
  onSubmit: (values: Record<string, string>, form: HTMLFormElement) => Promise<void>;
  explain?: (error: unknown) => string[] | undefined;
  children: (errors: Record<string, string>) => ReactNode;
  /** Buttons beside the submit button (e.g. Cancel), which then sit in an actions row. */
  actions?: ReactNode;
  /** Below the button (e.g. a status line). */
  footer?: ReactNode;
}) {
  const errors = useFormErrors(props.fields);
  const [busy, setBusy] = useState(false);
  const [explained, setExplained] = useState<string[]>([]);
  const submit = (
    <Button className="button primary" type="submit" isDisabled={busy}>
      {props.submit}
    </Button>
  );
  return (
    <Form
      validationBehavior="aria"
      validationErrors={errors.byField}
      onSubmit={(event) =>
        void (async () => {
          event.preventDefault();
          const form = event.currentTarget;
          const values = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, formText(v)]));
          setBusy(true);
          setExplained([]);
          errors.clear();
          try {
            await props.onSubmit(values, form);
          } catch (error) {
            const words = props.explain?.(error);
            if (words) setExplained(words);
            else errors.show(error);
          } finally {
            setBusy(false);
          }
        })()
      }
    >
      <ErrorMessages messages={[...explained, ...errors.general]} />
      <div className="form-body" onInput={(event) => errors.drop((event.target as HTMLInputElement).name)}>
        {props.children(errors.byField)}
      </div>
      {props.actions ? (
        <div className="actions">
          {props.actions}
          {submit}
        </div>
      ) : (
        submit
      )}
      {props.footer}
    </Form>
  );
}

/**
 * A button that opens a modal form. `onSubmit` gets the form's values; an API error is shown
 * beside its field (or above the form), success closes the dialog (unless `keepOpen` says otherwise).
 */
export function FormDialog(props: {
  trigger: string;
  title: string;
  submit: string;
  fields: readonly string[];
  triggerClass?: string;
  children: (errors: Record<string, string>) => ReactNode;
  onSubmit: (values: Record<string, string>, form: FormData) => Promise<ReactNode>;
}) {
  const { t } = useTranslation();
  const [after, setAfter] = useState<ReactNode | null>(null);
  return (
    <DialogTrigger
      onOpenChange={(open) => {
        if (!open) setAfter(null);
      }}
    >
      <Button className={props.triggerClass ?? 'button primary'}>{props.trigger}</Button>
      <ModalOverlay className="overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{props.title}</Heading>
                {after ? (
                  <>
                    {after}
                    <div className="actions">
                      <Button className="button primary" onPress={close}>
                        {t('common.done')}
                      </Button>
                    </div>
                  </>
                ) : (
                  <ApiForm
                    fields={props.fields}
                    submit={props.submit}
                    onSubmit={async (values, form) => {
                      const result = await props.onSubmit(values, new FormData(form));
                      if (result) setAfter(result);
                      else close();
                    }}
                    actions={
                      <Button className="button" onPress={close}>
                        {t('common.cancel')}
                      </Button>
                    }
                  >
                    {props.children}
                  </ApiForm>
                )}
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

/** A button that asks before it does something that cannot be undone (revoke, deactivate, delete). */
export function ConfirmButton(props: { label: string; title: string; body: string; confirm: string; onConfirm: () => Promise<void> }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string[]>([]);
  return (
    <DialogTrigger onOpenChange={() => setError([])}>
      <Button className="button danger small">{props.label}</Button>
      <ModalOverlay className="overlay" isDismissable>
        <Modal className="modal">
          <Dialog role="alertdialog" className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{props.title}</Heading>
                <p>{props.body}</p>
                <ErrorMessages messages={error} />
                <div className="actions">
                  <Button className="button" onPress={close} autoFocus>
                    {t('common.cancel')}
                  </Button>
                  <Button
                    className="button danger"
                    onPress={() =>
                      void (async () => {
                        try {
                          await props.onConfirm();
                          close();
                        } catch (e) {
                          setError([e instanceof Error ? e.message : String(e)]);
                        }
                      })()
                    }
                  >
                    {props.confirm}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <>
      <Button
        className="button small"
        onPress={() =>
          void (async () => {
            try {
              await navigator.clipboard.writeText(text);
              setCopied(true);
              setTimeout(() => setCopied(false), 2000);
            } catch {
              setCopied(false);
            }
          })()
        }
      >
        {label}
      </Button>
      <span role="status" className="copied">
        {copied ? t('common.copied') : ''}
      </span>
    </>
  );
}

export function Section(props: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{props.title}</h2>
        {props.actions ? <div className="card-actions">{props.actions}</div> : null}
      </div>
      {props.children}
    </section>
  );
}

/** A plain data table (native semantics: caption, column headers, row headers). */
export function DataTable<T>(props: {
  caption: string;
  columns: Array<{ label: string; numeric?: boolean }>;
  rows: T[];
  rowKey: (row: T) => string;
  cells: (row: T) => ReactNode[];
  empty?: string;
  rowClass?: (row: T) => string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.label} scope="col" className={column.numeric ? 'num' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} className="empty">
                {props.empty ?? t('common.empty')}
              </td>
            </tr>
          ) : (
            props.rows.map((row) => (
              <tr key={props.rowKey(row)} className={props.rowClass?.(row)}>
                {props.cells(row).map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={i} className={props.columns[i]?.numeric ? 'num' : undefined}>
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
