/**
 * The one list of field names that hold a secret. Log redaction (`createRootLogger`) and the
 * audit log's stripping (`withoutSecrets`) both read it; the provider registry extends it with
 * every credential option a provider kind declares (`SECRET_FIELD_NAMES` in `@app/providers`),
 * and the apps pass that extended list, so a new kind's secret option is covered everywhere by
 * declaring it `secret: true` in its folder.
 */
export const SECRET_FIELDS: readonly string[] = [
  // credentials of people and keys
  'password',
  'passwordHash',
  'currentPassword',
  'newPassword',
  'adminPassword',
  'key',
  'apiKey',
  'keyHash',
  'secret',
  'secretKey',
  'jwtSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'metricsToken',
  // sealed provider credentials
  'encryptedCredentials',
  'credentials',
  // HTTP headers that carry one (lower-case, as Node gives them)
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
];

/** The core list plus `extra` (e.g. provider credential options), without duplicates. */
export function secretFieldList(extra: Iterable<string> = []): readonly string[] {
  return [...new Set([...SECRET_FIELDS, ...extra])];
}

/** How deep below a log line's root a secret field is redacted (`req.headers.authorization` is depth 2). */
const REDACT_DEPTH = 3;

/** pino `redact.paths` for `fields` at the root and up to REDACT_DEPTH levels below it. */
export function redactPaths(fields: readonly string[]): string[] {
  const paths: string[] = [];
  for (const field of fields) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`;
    for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
      const prefix = '*'.repeat(depth > 0 ? 1 : 0) + '.*'.repeat(Math.max(0, depth - 1));
      paths.push(depth === 0 ? segment.replace(/^\./, '') : prefix + segment);
    }
  }
  return paths;
}

/** A predicate on field names (case-insensitive) for `fields`. */
export function isSecretFieldIn(fields: readonly string[]): (field: string) => boolean {
  const lower = new Set(fields.map((field) => field.toLowerCase()));
  return (field) => lower.has(field.toLowerCase());
}

/** A JSON-safe copy of `value` without `fields` at any depth (dates as ISO strings, no functions or undefined). */
export function stripSecretFields(value: object | null | undefined, fields: readonly string[]): Record<string, unknown> | null {
  if (!value) return null;
  const isSecret = isSecretFieldIn(fields);
  const scrub = (item: unknown, depth: number): unknown => {
    if (item instanceof Date) return item.toISOString();
    if (item === null || typeof item !== 'object' || depth > 8) return item;
    if (Array.isArray(item)) return item.map((element) => scrub(element, depth + 1));
    return Object.fromEntries(
      Object.entries(item)
        .filter(([field, element]) => !isSecret(field) && element !== undefined && typeof element !== 'function')
        .map(([field, element]) => [field, scrub(element, depth + 1)]),
    );
  };
  return scrub(value, 0) as Record<string, unknown>;
}
