import type { ProviderKind } from '@app/core';
import { invalid } from '../common/errors';

type OptionType = 'string' | 'url' | 'boolean';

interface AccountOptionSpec {
  type: OptionType;
  /** Sealed with the API key in the account's `encrypted_credentials`, never returned. */
  secret?: boolean;
}

/**
 * Account `options` by provider kind (CONTRACT "Upstream accounts"). Kinds without an entry take
 * none: their accounts are an API key each. Anything else is refused with 400 naming it.
 */
export const ACCOUNT_OPTIONS: Partial<Record<ProviderKind | 'chatgpt-codex', Record<string, AccountOptionSpec>>> = {
  'chatgpt-codex': {
    accessToken: { type: 'string', secret: true },
    refreshToken: { type: 'string', secret: true },
    chatgptAccountId: { type: 'string', secret: true },
    refresh: { type: 'boolean' },
    authBaseUrl: { type: 'url' },
    clientId: { type: 'string' },
  },
};

export interface SplitAccountOptions {
  /** Credentials to seal; `null` removes one. */
  secrets: Record<string, string | null>;
  /** Plain options; `null` removes one. */
  plain: Record<string, string | boolean | null>;
}

const URL_PATTERN = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/** Validates submitted account options against the provider's kind and splits secrets from plain ones. */
export function splitAccountOptions(kind: ProviderKind, options: Record<string, unknown> | undefined): SplitAccountOptions {
  const specs = ACCOUNT_OPTIONS[kind] ?? {};
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
    const checked = check(name, spec.type, value);
    if (spec.secret) split.secrets[name] = String(checked);
    else split.plain[name] = checked;
  }
  return split;
}

function check(name: string, type: OptionType, value: unknown): string | boolean {
  switch (type) {
    case 'string':
      if (typeof value !== 'string' || value.trim() === '' || value.length > 8000) throw invalid(`options.${name}: must be a non-empty string`);
      return value.trim();
    case 'url':
      if (typeof value !== 'string' || !URL_PATTERN.test(value)) throw invalid(`options.${name}: must be an http(s) URL`);
      return value.replace(/\/+$/, '');
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(`options.${name}: must be true or false`);
      return value;
    default:
      return assertNever(type);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown option type ${String(value)}`);
}
