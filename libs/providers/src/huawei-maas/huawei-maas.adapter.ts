import { joinBaseUrl, openAiStyleErrorCode } from '../base-url';
import type { ApiMode, ProviderAdapter, ProviderCredentials, ProviderOperation, UpstreamTarget } from '../provider-adapter';

const PATHS: Partial<Record<ProviderOperation, string>> = {
  'chat.completions': '/v1/chat/completions',
  embeddings: '/v1/embeddings',
  completions: '/v1/completions',
  messages: '/anthropic/v1/messages',
};

/**
 * Huawei Cloud MaaS inference (`https://api.modelarts-maas.com/v1/...`). Streams carry the
 * cumulative usage on every chunk (`include_usage` defaults to true there); errors come as
 * `{"error_code":"ModelArts.81xxx","error_msg":...}`. Anthropic Messages is native
 * (`/anthropic/v1/messages`); there is no Responses endpoint, so Responses is translated.
 */
export class HuaweiMaasAdapter implements ProviderAdapter {
  readonly kind = 'huawei-maas' as const;
  readonly cumulativeStreamUsage = true;

  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget | null {
    const path = PATHS[operation];
    return path ? joinBaseUrl(baseUrl, path) : null;
  }

  passthroughTarget(baseUrl: string, route: string): UpstreamTarget {
    return joinBaseUrl(baseUrl, route);
  }

  defaultMode(operation: 'messages' | 'responses'): ApiMode {
    return operation === 'messages' ? 'native' : 'translated';
  }

  authHeaders(credentials: ProviderCredentials): Record<string, string> {
    return { authorization: `Bearer ${credentials.apiKey}` };
  }

  errorCode(body: unknown): string | null {
    return openAiStyleErrorCode(body);
  }
}
