import { joinBaseUrl, openAiStyleErrorCode } from '../base-url';
import type { ProviderAdapter, ProviderCredentials, ProviderOperation, UpstreamTarget } from '../provider-adapter';

/**
 * Huawei Cloud MaaS inference (`https://api.modelarts-maas.com/v1/...`). Streams carry the
 * cumulative usage on every chunk (`include_usage` defaults to true there); errors come as
 * `{"error_code":"ModelArts.81xxx","error_msg":...}`.
 */
export class HuaweiMaasAdapter implements ProviderAdapter {
  readonly kind = 'huawei-maas' as const;
  readonly cumulativeStreamUsage = true;

  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget {
    return joinBaseUrl(baseUrl, operation === 'chat.completions' ? '/v1/chat/completions' : '/v1/embeddings');
  }

  authHeaders(credentials: ProviderCredentials): Record<string, string> {
    return { authorization: `Bearer ${credentials.apiKey}` };
  }

  errorCode(body: unknown): string | null {
    return openAiStyleErrorCode(body);
  }
}
