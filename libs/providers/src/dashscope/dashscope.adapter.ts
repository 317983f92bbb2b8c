import { joinBaseUrl, openAiStyleErrorCode } from '../base-url';
import type { ProviderAdapter, ProviderCredentials, ProviderOperation, UpstreamTarget } from '../provider-adapter';

/**
 * Alibaba Cloud Model Studio (DashScope) through its OpenAI-compatible mode. The base URL is the
 * host (`https://dashscope.aliyuncs.com`, or a workspace host); usage arrives in one final
 * `choices: []` chunk only when `stream_options.include_usage` is set.
 */
export class DashScopeAdapter implements ProviderAdapter {
  readonly kind = 'dashscope' as const;
  readonly cumulativeStreamUsage = false;

  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget {
    const suffix = operation === 'chat.completions' ? '/chat/completions' : '/embeddings';
    return joinBaseUrl(baseUrl, `/compatible-mode/v1${suffix}`);
  }

  authHeaders(credentials: ProviderCredentials): Record<string, string> {
    return { authorization: `Bearer ${credentials.apiKey}` };
  }

  errorCode(body: unknown): string | null {
    return openAiStyleErrorCode(body);
  }
}
