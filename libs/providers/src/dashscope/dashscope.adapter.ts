import { joinBaseUrl, openAiStyleErrorCode } from '../base-url';
import type { ApiMode, ProviderAdapter, ProviderCredentials, ProviderOperation, UpstreamTarget } from '../provider-adapter';

const PATHS: Record<ProviderOperation, string> = {
  'chat.completions': '/compatible-mode/v1/chat/completions',
  embeddings: '/compatible-mode/v1/embeddings',
  completions: '/compatible-mode/v1/completions',
  messages: '/apps/anthropic/v1/messages',
  responses: '/compatible-mode/v1/responses',
};

/**
 * Alibaba Cloud Model Studio (DashScope) through its OpenAI-compatible mode. The base URL is the
 * host (`https://dashscope.aliyuncs.com`, or a workspace host); usage arrives in one final
 * `choices: []` chunk only when `stream_options.include_usage` is set. Anthropic Messages
 * (`/apps/anthropic/v1/messages`) and Responses (`/compatible-mode/v1/responses`) are native.
 */
export class DashScopeAdapter implements ProviderAdapter {
  readonly kind = 'dashscope' as const;
  readonly cumulativeStreamUsage = false;

  target(baseUrl: string, operation: ProviderOperation): UpstreamTarget {
    return joinBaseUrl(baseUrl, PATHS[operation]);
  }

  passthroughTarget(baseUrl: string, route: string): UpstreamTarget {
    return joinBaseUrl(baseUrl, `/compatible-mode${route}`);
  }

  defaultMode(): ApiMode {
    return 'native';
  }

  authHeaders(credentials: ProviderCredentials): Record<string, string> {
    return { authorization: `Bearer ${credentials.apiKey}` };
  }

  errorCode(body: unknown): string | null {
    return openAiStyleErrorCode(body);
  }
}
