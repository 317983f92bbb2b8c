import { KNOWN_OPTIONS, OptionSpec, OptionType, outboundUrlProblem, providerKind, SECRET_OPTIONS } from '@app/providers';
import { invalid } from '../common/errors';

export { SECRET_OPTIONS };

export interface SplitOptions {
  /** Credentials to seal; `null` removes one. */
  secrets: Record<string, string | null>;
  /** Plain options; `null` removes one. */
  plain: Record<string, string | number | boolean | null>;
}

const URL_PATTERN = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;

function specsOf(kind: string): Readonly<Record<string, OptionSpec>> {
  return providerKind(kind).options;
}

/**
 * Validates submitted options against the kind's specs (its folder in libs/providers; 400 naming
 * `options.<name>`) and splits secrets from plain options.
 */
export function splitProviderOptions(kind: string, options: Record<string, unknown> | undefined): SplitOptions {
  const specs = specsOf(kind);
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
    const checked = checkOption(`options.${name}`, spec.type, value);
    if (spec.secret) split.secrets[name] = String(checked);
    else split.plain[name] = checked;
  }
  return split;
}

/** Options already stored (say, before a change of kind) must fit the kind too. */
export function assertOptionsFitKind(kind: string, names: Iterable<string>): void {
  const specs = specsOf(kind);
  for (const name of names) {
    if (!specs[name]) throw invalid(`options.${name}: not an option of a ${kind} provider; set it to null to drop it`);
  }
}

/** A URL a provider call may go to: http(s), never a link-local or cloud-metadata address (400 naming the field). */
export function assertOutboundUrl(field: string, url: string): void {
  const problem = outboundUrlProblem(url);
  if (problem) throw invalid(`${field}: ${problem}`);
}

/** Checks one option value against its type (400 naming `field`); URLs also against forbidden addresses. */
export function checkOption(field: string, type: OptionType, value: unknown): string | number | boolean {
  switch (type) {
    case 'string':
      if (typeof value !== 'string' || value.trim() === '' || value.length > 8000) throw invalid(`${field}: must be a non-empty string`);
      return value.trim();
    case 'url':
      if (typeof value !== 'string' || !URL_PATTERN.test(value)) throw invalid(`${field}: must be an http(s) URL`);
      assertOutboundUrl(field, value);
      return value.replace(/\/+$/, '');
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`${field}: must be a non-negative integer`);
      return value;
    case 'decimal': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL.test(text)) throw invalid(`${field}: must be a non-negative decimal`);
      return text;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(`${field}: must be true or false`);
      return value;
    case 'apiMode':
      if (value !== 'native' && value !== 'translated') throw invalid(`${field}: must be native or translated`);
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

export function maskedOptionNames(kind: string): string[] {
  return Object.entries(specsOf(kind)).filter(([, spec]) => spec.masked).map(([name]) => name);
}
