import { joinBaseUrl, openAiStyleErrorCode } from '../base-url';
import type { ApiMode, ProviderAdapter, ProviderCredentials, ProviderOperation, UpstreamTarget } from '../provider-adapter';

const PATHS: Record<ProviderOperation, string> = {
  'chat.completions': '/chat/completions',
  embeddings: '/embeddings',
  completions: '/completions',
  messages: '/messages',
  responses: '/responses',
};

/**
 * Any OpenAI-compatible service; its base URL already ends in `/v1`. Messages and Responses are
 * translated to chat completions unless `options.messagesApi` / `options.responsesApi` say `native`.
 */
export class OpenAiAdapter implements ProviderAdapter {
  readonly kind = 'openai' as const;
  readonly cumulativeStreamUsage = false;

  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget {
    return joinBaseUrl(baseUrl, PATHS[operation]);
  }

  passthroughTarget(baseUrl: string, route: string): UpstreamTarget {
    return joinBaseUrl(baseUrl, route.slice(3));
  }

  defaultMode(): ApiMode {
    return 'translated';
  }

  authHeaders(credentials: ProviderCredentials, operation: ProviderOperation): Record<string, string> {
    // Anthropic's own API (a native Messages endpoint) authenticates with x-api-key.
    if (operation === 'messages') return { 'x-api-key': credentials.apiKey };
    return { authorization: `Bearer ${credentials.apiKey}` };
  }

  errorCode(body: unknown): string | null {
    return openAiStyleErrorCode(body);
  }
}
