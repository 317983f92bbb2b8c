export type ProviderOperation = 'chat.completions' | 'embeddings';

/** Where a call goes: the origin (one keep-alive pool per origin) and the request path. */
export interface UpstreamTarget {
  origin: string;
  path: string;
}

export interface ProviderCredentials {
  apiKey: string;
  [secret: string]: unknown;
}

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
  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget;
  authHeaders(credentials: ProviderCredentials): Record<string, string>;
  /** The provider's error code from an error body, for the usage event. */
  errorCode(body: unknown): string | null;
}
