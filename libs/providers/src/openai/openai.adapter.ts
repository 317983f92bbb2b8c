import { joinBaseUrl, openAiStyleErrorCode } from '../base-url';
import type { ProviderAdapter, ProviderCredentials, ProviderOperation, UpstreamTarget } from '../provider-adapter';

/** Any OpenAI-compatible service; its base URL already ends in `/v1`. */
export class OpenAiAdapter implements ProviderAdapter {
  readonly kind = 'openai' as const;
  readonly cumulativeStreamUsage = false;

  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget {
    return joinBaseUrl(baseUrl, operation === 'chat.completions' ? '/chat/completions' : '/embeddings');
  }

  authHeaders(credentials: ProviderCredentials): Record<string, string> {
    return { authorization: `Bearer ${credentials.apiKey}` };
  }

  errorCode(body: unknown): string | null {
    return openAiStyleErrorCode(body);
  }
}
