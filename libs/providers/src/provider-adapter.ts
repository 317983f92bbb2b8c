/** The provider APIs the gateway calls; also the usage event's `endpoint`. */
export type ProviderOperation = 'chat.completions' | 'embeddings' | 'completions' | 'messages' | 'responses';

/** Where a call goes: the origin (one keep-alive pool per origin) and the request path. */
export interface UpstreamTarget {
  origin: string;
  path: string;
}

export interface ProviderCredentials {
  apiKey: string;
  [secret: string]: unknown;
}

/** How a dialect without a native endpoint at a provider is served. */
export type ApiMode = 'native' | 'translated';

/**
 * What differs between provider kinds on the inference path. Everything else (OpenAI-compatible
 * bodies, SSE, usage objects) is shared. Adding a provider kind is adding a folder with one of these.
 */
export interface ProviderAdapter {
  readonly kind: string;
  /**
   * True when every stream chunk repeats the running usage total (Huawei MaaS): the last one
   * counts, never the sum.
   */
  readonly cumulativeStreamUsage: boolean;
  /**
   * Where another OpenAI-style route (`/v1/audio/speech`, `/v1/images/generations`,
   * `/v1/rerank`, `/v1/moderations`, …) lives at this provider; `route` starts with `/v1/`.
   */
  passthroughTarget(baseUrl: string, route: string): UpstreamTarget;
  /** The provider's native endpoint for an operation, or null when it has none. */
  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget | null;
  /**
   * Messages / Responses: native where this kind serves them unless configured otherwise
   * (`options.messagesApi` / `options.responsesApi` on the provider or the model).
   */
  defaultMode(operation: 'messages' | 'responses'): ApiMode;
  authHeaders(credentials: ProviderCredentials, operation: ProviderOperation): Record<string, string>;
  /** The provider's error code from an error body, for the usage event. */
  errorCode(body: unknown): string | null;
}

const MODE_OPTION = { messages: 'messagesApi', responses: 'responsesApi' } as const;

/**
 * Whether a Messages / Responses call goes to the provider's native endpoint or is translated to
 * chat completions: the model's option, else the provider's, else the kind's default; a kind
 * without the endpoint always translates.
 */
export function apiModeFor(
  adapter: ProviderAdapter,
  baseUrl: string,
  operation: 'messages' | 'responses',
  providerOptions: Record<string, unknown> | null | undefined,
  modelOptions: Record<string, unknown> | null | undefined,
): ApiMode {
  if (!adapter.target(baseUrl, operation)) return 'translated';
  const key = MODE_OPTION[operation];
  const chosen = modelOptions?.[key] ?? providerOptions?.[key];
  return chosen === 'native' || chosen === 'translated' ? chosen : adapter.defaultMode(operation);
}
