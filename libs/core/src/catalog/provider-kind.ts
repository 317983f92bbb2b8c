/**
 * A provider kind's name. The kinds themselves (and everything kind-specific) are defined in
 * libs/providers, one folder each, listed in its `provider-registry.ts` (`PROVIDER_KINDS`).
 */
export type ProviderKind = string;
