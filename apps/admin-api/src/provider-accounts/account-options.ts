import type { ProviderKind } from '@app/core';
import { accountOptionSpecs } from '@app/providers';
import { invalid } from '../common/errors';
import { checkOption } from '../providers/provider-options';

export interface SplitAccountOptions {
  /** Credentials to seal; `null` removes one. */
  secrets: Record<string, string | null>;
  /** Plain options; `null` removes one. */
  plain: Record<string, string | number | boolean | null>;
}

/** Validates submitted account options against the provider's kind and splits secrets from plain ones. */
export function splitAccountOptions(kind: ProviderKind, options: Record<string, unknown> | undefined): SplitAccountOptions {
  // by kind, from the kind's folder in libs/providers (CONTRACT "Upstream accounts"); kinds without
  // account options take none: their accounts are an API key each
  const specs = accountOptionSpecs(kind);
  const split: SplitAccountOptions = { secrets: {}, plain: {} };
  for (const [name, value] of Object.entries(options ?? {})) {
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs);
      throw invalid(`options.${name}: not an account option of a ${kind} provider${known.length ? ` (known: ${known.join(', ')})` : ' (it takes none)'}`);
    }
    if (value === null) {
      if (spec.secret) split.secrets[name] = null;
      else split.plain[name] = null;
      continue;
    }
    const checked = checkOption(`options.${name}`, spec.type, value);
    if (spec.secret) split.secrets[name] = String(checked);
    else split.plain[name] = checked;
  }
  return split;
}

/**
 * Stored credentials never follow a new URL: changing an account's URL option (e.g. a Codex
 * seat's `authBaseUrl`, where its refresh token goes) requires every stored secret again.
 */
export function assertCredentialsResentOnUrlChange(
  kind: ProviderKind,
  stored: { options: Record<string, unknown>; credentials: Record<string, unknown> },
  sent: { plain: SplitAccountOptions['plain']; secrets: SplitAccountOptions['secrets']; apiKey?: string },
): void {
  const specs = accountOptionSpecs(kind);
  const changed = Object.keys(sent.plain).find((name) => specs[name]?.type === 'url' && (sent.plain[name] ?? null) !== (stored.options[name] ?? null));
  if (!changed) return;
  if (typeof stored.credentials.apiKey === 'string' && sent.apiKey === undefined) throw invalid(`apiKey: changing options.${changed} requires sending apiKey again`);
  const missing = Object.keys(stored.credentials).find((name) => name !== 'apiKey' && sent.secrets[name] === undefined);
  if (missing) throw invalid(`options.${missing}: changing options.${changed} requires sending options.${missing} again (or null to drop it)`);
}
