import type { ProviderKind } from '@app/core';
import { invalid } from '../common/errors';

type OptionType = 'string' | 'url' | 'integer' | 'decimal' | 'apiMode';

interface OptionSpec {
  type: OptionType;
  /** Sealed with the API key in `encrypted_credentials`, never returned. */
  secret?: boolean;
  /** A secret that may be shown masked (an access key id, not its secret). */
  masked?: boolean;
}

/** Options every kind takes. */
const COMMON: Record<string, OptionSpec> = {
  /** Raise a low-balance alert under this amount (provider polling). */
  balanceAlertBelow: { type: 'decimal' },
  /** Anthropic Messages / OpenAI Responses: the provider's native endpoint, or translation to chat completions. */
  messagesApi: { type: 'apiMode' },
  responsesApi: { type: 'apiMode' },
};

/**
 * Provider `options` by kind (CONTRACT "Provider options"). Anything else is refused with 400
 * naming it. Polling engineers: a new option goes here.
 */
export const PROVIDER_OPTIONS: Record<ProviderKind, Record<string, OptionSpec>> = {
  dashscope: {
    ...COMMON,
    accessKeyId: { type: 'string', secret: true, masked: true },
    accessKeySecret: { type: 'string', secret: true },
    bssEndpoint: { type: 'url' },
  },
  'huawei-maas': {
    ...COMMON,
    accessKey: { type: 'string', secret: true, masked: true },
    secretKey: { type: 'string', secret: true },
    region: { type: 'string' },
    projectId: { type: 'string' },
    iamEndpoint: { type: 'url' },
    modelartsEndpoint: { type: 'url' },
    serviceType: { type: 'integer' },
  },
  openai: { ...COMMON },
};

/** Every option name that is a credential, whatever the kind. */
export const SECRET_OPTIONS: ReadonlySet<string> = new Set(
  Object.values(PROVIDER_OPTIONS).flatMap((specs) => Object.entries(specs).filter(([, spec]) => spec.secret).map(([name]) => name)),
);

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(Object.values(PROVIDER_OPTIONS).flatMap((specs) => Object.keys(specs)));

export interface SplitOptions {
  /** Credentials to seal; `null` removes one. */
  secrets: Record<string, string | null>;
  /** Plain options; `null` removes one. */
  plain: Record<string, string | number | null>;
}

const URL_PATTERN = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;

/** Validates submitted options against the kind (400 naming `options.<name>`) and splits secrets from plain options. */
export function splitProviderOptions(kind: ProviderKind, options: Record<string, unknown> | undefined): SplitOptions {
  const specs = PROVIDER_OPTIONS[kind];
  const split: SplitOptions = { secrets: {}, plain: {} };
  for (const [name, value] of Object.entries(options ?? {})) {
    if (value === null && KNOWN_OPTIONS.has(name)) {
      // removal: allowed for any known option, so a change of kind can drop the old kind's options
      if (SECRET_OPTIONS.has(name)) split.secrets[name] = null;
      else split.plain[name] = null;
      continue;
    }
    const spec = specs[name];
    if (!spec) throw invalid(`options.${name}: not an option of a ${kind} provider (known: ${Object.keys(specs).join(', ')})`);
    const checked = check(name, spec.type, value);
    if (spec.secret) split.secrets[name] = String(checked);
    else split.plain[name] = checked;
  }
  return split;
}

/** Options already stored (say, before a change of kind) must fit the kind too. */
export function assertOptionsFitKind(kind: ProviderKind, names: Iterable<string>): void {
  for (const name of names) {
    if (!PROVIDER_OPTIONS[kind][name]) throw invalid(`options.${name}: not an option of a ${kind} provider; set it to null to drop it`);
  }
}

function check(name: string, type: OptionType, value: unknown): string | number {
  switch (type) {
    case 'string':
      if (typeof value !== 'string' || value.trim() === '' || value.length > 2000) throw invalid(`options.${name}: must be a non-empty string`);
      return value.trim();
    case 'url':
      if (typeof value !== 'string' || !URL_PATTERN.test(value)) throw invalid(`options.${name}: must be an http(s) URL`);
      return value.replace(/\/+$/, '');
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`options.${name}: must be a non-negative integer`);
      return value;
    case 'decimal': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL.test(text)) throw invalid(`options.${name}: must be a non-negative decimal`);
      return text;
    }
    case 'apiMode':
      if (value !== 'native' && value !== 'translated') throw invalid(`options.${name}: must be native or translated`);
      return value;
    default:
      return assertNever(type);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown option type ${String(value)}`);
}

/** `LTAI5t…Xk` — enough to recognise an access key id, not enough to use it. */
export function maskCredential(value: string): string {
  return value.length >= 10 ? `${value.slice(0, 4)}…${value.slice(-2)}` : '…';
}

export function maskedOptionNames(kind: ProviderKind): string[] {
  return Object.entries(PROVIDER_OPTIONS[kind]).filter(([, spec]) => spec.masked).map(([name]) => name);
}
