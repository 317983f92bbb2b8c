/** The admin API from the browser: the JWT in sessionStorage, JSON in and out, errors by field. */
const TOKEN_KEY = 'tollgate.token';

export interface FieldProblem {
  field: string;
  code?: string;
  message?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: FieldProblem[],
    readonly messages: string[],
  ) {
    super(message);
  }

  /**
   * The problems about `fields` (by name): the machine code from `errors` and the server's sentence
   * that names the field (class-validator and the domain errors start with it), and what is left
   * to show above the form.
   */
  split(fields: readonly string[]): { byField: Record<string, { code?: string; message?: string }>; general: string[] } {
    const byField: Record<string, { code?: string; message?: string }> = {};
    const known = new Set(fields);
    for (const problem of this.problems) {
      const field = problem.field.split('.')[0];
      if (known.has(field) && !byField[field]) byField[field] = { code: problem.code, message: problem.message };
    }
    const general: string[] = [];
    for (const message of this.messages) {
      const field = /^([A-Za-z][A-Za-z0-9]*)[\s:.]/.exec(message)?.[1];
      if (field && known.has(field)) {
        byField[field] = { ...byField[field], message: byField[field]?.message ?? message };
      } else {
        general.push(message);
      }
    }
    if (!general.length && !Object.keys(byField).length) general.push(this.message);
    return { byField, general };
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export const SIGNED_OUT = 'tollgate:signed-out';

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  if (res.status === 401 && token && !path.startsWith('/api/auth/')) {
    setToken(null);
    window.dispatchEvent(new Event(SIGNED_OUT));
  }
  return res;
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  let parsed: { message?: unknown; errors?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    /* not JSON: keep the status line */
  }
  const messages = Array.isArray(parsed.message) ? parsed.message.map(String) : typeof parsed.message === 'string' ? [parsed.message] : [];
  const problems = Array.isArray(parsed.errors)
    ? parsed.errors.filter((e): e is FieldProblem => typeof e === 'object' && e !== null && typeof (e as FieldProblem).field === 'string')
    : [];
  return new ApiError(res.status, messages.join('; ') || `${res.status} ${res.statusText}`, problems, messages);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** `?a=1&b=2` from the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Downloads a file the API serves behind the bearer token (a plain link could not send it). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await send('GET', path);
  if (!res.ok) throw await failure(res);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
