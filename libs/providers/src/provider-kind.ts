import type { AppConfig } from '@app/core';
import type { ProviderAdapter } from './provider-adapter';
import type { ProviderPoller } from './polling/provider-poller';

/** `apiMode`: `native` or `translated` (Messages / Responses at a provider). */
export type OptionType = 'string' | 'url' | 'integer' | 'decimal' | 'boolean' | 'apiMode';

export interface OptionSpec {
  type: OptionType;
  /** Sealed with the credentials, never returned. */
  secret?: boolean;
  /** A secret that may be shown masked (an access key id, not its secret). */
  masked?: boolean;
}

/** A provider to create at start-up from the environment (first run). */
export interface ProviderSeed {
  baseUrl: string;
  apiKey: string;
  options: Record<string, string>;
  /** The variable named in the log line, e.g. DASHSCOPE_API_KEY. */
  fromVariable: string;
}

/**
 * Everything Tollgate knows about one provider kind, exported by the kind's folder and found
 * through `provider-registry.ts`. Adding a kind is adding a folder and one registry line.
 */
export interface ProviderKindDefinition {
  readonly kind: string;
  /** The inference path (gateway); null for kinds Tollgate polls but does not proxy. */
  readonly adapter: ProviderAdapter | null;
  readonly poller: ProviderPoller;
  /** `options` this kind takes (CONTRACT "Provider options"); anything else is refused. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** `options` of this kind's accounts (none when absent: each account is an API key). */
  readonly accountOptions?: Readonly<Record<string, OptionSpec>>;
  /** Whether a provider of this kind needs an `apiKey` (false: its accounts hold other credentials). */
  readonly requiresApiKey: boolean;
  /** The provider to create at start-up when the environment names one (and none of this kind exists). */
  bootstrap?(config: AppConfig): ProviderSeed | undefined;
}

/** Options every kind takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  /** Raise a low-balance alert under this amount (provider polling). */
  balanceAlertBelow: { type: 'decimal' },
};

/** Options of kinds the gateway serves: Anthropic Messages / OpenAI Responses at the provider's native endpoint, or translated to chat completions. */
export const SERVED_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  messagesApi: { type: 'apiMode' },
  responsesApi: { type: 'apiMode' },
};

/** Drops undefined values (optional environment variables). */
export function definedOptions(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
