import { readFileSync } from 'node:fs';

/**
 * Variables whose values are secrets (or may embed one: a password in a URL, a token in a
 * webhook). Their values never appear in an error line or a log line.
 */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'SECRET_KEY',
  'JWT_SECRET',
  'ADMIN_PASSWORD',
  'DATABASE_URL',
  'METRICS_TOKEN',
  'DASHSCOPE_API_KEY',
  'HUAWEI_MAAS_API_KEY',
  'HW_ACCESS_KEY',
  'HW_SECRET_KEY',
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALERT_WEBHOOK_URL',
  'HTTPS_PROXY',
  'HTTP_PROXY',
]);

/** Secret by list, or by name (`*_KEY`, `*_SECRET`, `*_PASSWORD`, `*_TOKEN`, `*_KEY_ID`): a new variable is covered before anyone lists it. */
export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLES.has(name) || /(^|_)(KEY|SECRET|PASSWORD|TOKEN|KEY_ID|CREDENTIALS?)$/.test(name);
}

/** Secrets that may be given as `<NAME>_FILE` (a path, e.g. a Docker or Kubernetes secret) instead. */
const FILE_VARIABLES = ['SECRET_KEY', 'JWT_SECRET', 'ADMIN_PASSWORD', 'DATABASE_URL', 'METRICS_TOKEN'] as const;

/**
 * Replaces each `<NAME>_FILE` by `<NAME>` holding the file's content (one trailing newline
 * removed). Problems name the variable and the path, never the content.
 */
export function readFileVariables(raw: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; problems: string[] } {
  const fileNames = new Set<string>(FILE_VARIABLES.map((name) => `${name}_FILE`));
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(raw).filter(([name]) => !fileNames.has(name)));
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const path = raw[`${name}_FILE`];
    if (path === undefined || path === '') continue;
    if (raw[name] !== undefined && raw[name] !== '') {
      problems.push(`${name}_FILE: set ${name} or ${name}_FILE, not both`);
      continue;
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    if (content === '') problems.push(`${name}_FILE: ${path} is empty`);
    else env[name] = content;
  }
  return { env, problems };
}
