import { secretFieldList } from '@app/core';
import { CHATGPT_CODEX } from './chatgpt-codex/chatgpt-codex.kind';
import { DASHSCOPE } from './dashscope/dashscope.kind';
import { HUAWEI_MAAS } from './huawei-maas/huawei-maas.kind';
import { OPENAI } from './openai/openai.kind';
import type { ProviderAdapter } from './provider-adapter';
import type { OptionSpec, ProviderKindDefinition } from './provider-kind';

/**
 * Every provider kind, one line each. Everything kind-specific (adapter, poller, option specs,
 * start-up bootstrap) lives in the kind's folder; nothing outside libs/providers switches on a kind.
 */
const KINDS: readonly ProviderKindDefinition[] = [OPENAI, DASHSCOPE, HUAWEI_MAAS, CHATGPT_CODEX];

const BY_KIND: ReadonlyMap<string, ProviderKindDefinition> = new Map(KINDS.map((definition) => [definition.kind, definition]));

/** The kinds a provider may have (validated at the admin API's edge). */
export const PROVIDER_KINDS: readonly string[] = KINDS.map((definition) => definition.kind);

export function providerKinds(): readonly ProviderKindDefinition[] {
  return KINDS;
}

/** The kind's definition; throws for a kind no folder defines (a stored row from a newer version). */
export function providerKind(kind: string): ProviderKindDefinition {
  const definition = BY_KIND.get(kind);
  if (!definition) throw new Error(`unknown provider kind ${kind}`);
  return definition;
}

/** The inference adapter of a kind; throws for kinds that are polled but not proxied. */
export function adapterFor(kind: string): ProviderAdapter {
  const adapter = providerKind(kind).adapter;
  if (!adapter) throw new Error(`provider kind ${kind} is not served by the gateway`);
  return adapter;
}

/** Every option name that is a credential, whatever the kind (provider and account options). */
export const SECRET_OPTIONS: ReadonlySet<string> = new Set(
  KINDS.flatMap((definition) =>
    [...Object.entries(definition.options), ...Object.entries(definition.accountOptions ?? {})].filter(([, spec]) => spec.secret).map(([name]) => name),
  ),
);

/**
 * The secret-field list every process uses (log redaction, the audit log): the core list plus
 * every kind's credential options, so a new kind's `secret: true` option is covered by declaring it.
 */
export const SECRET_FIELD_NAMES: readonly string[] = secretFieldList(SECRET_OPTIONS);

/** Every option name some kind takes. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set(KINDS.flatMap((definition) => Object.keys(definition.options)));

/** `options` a kind's accounts take (none for kinds whose accounts are an API key each). */
export function accountOptionSpecs(kind: string): Readonly<Record<string, OptionSpec>> {
  return providerKind(kind).accountOptions ?? {};
}

/** Options of a kind that hold URLs (checked against forbidden addresses, and whose change needs the credentials again). */
export function urlOptionNames(kind: string): string[] {
  return Object.entries(providerKind(kind).options as Record<string, OptionSpec>)
    .filter(([, spec]) => spec.type === 'url')
    .map(([name]) => name);
}
