import { COMMON_OPTIONS, SERVED_OPTIONS, definedOptions, ProviderKindDefinition } from '../provider-kind';
import { DashScopeAdapter } from './dashscope.adapter';
import { DashScopePoller } from './dashscope.poller';

/**
 * Alibaba Cloud Model Studio (DashScope): OpenAI-compatible inference, per-model limits from
 * `/api/v1/quotas`, and with an AccessKey the BSS account balance. Created at start-up from
 * DASHSCOPE_API_KEY (+ ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET) when none exists.
 */
export const DASHSCOPE: ProviderKindDefinition = {
  kind: 'dashscope',
  adapter: new DashScopeAdapter(),
  poller: new DashScopePoller(),
  requiresApiKey: true,
  options: {
    ...COMMON_OPTIONS,
    ...SERVED_OPTIONS,
    accessKeyId: { type: 'string', secret: true, masked: true },
    accessKeySecret: { type: 'string', secret: true },
    bssEndpoint: { type: 'url' },
  },
  bootstrap(config) {
    const env = config.bootstrapProviders.dashscope;
    if (!env) return undefined;
    return {
      baseUrl: env.baseUrl,
      apiKey: env.apiKey,
      options: definedOptions({ accessKeyId: env.accessKeyId, accessKeySecret: env.accessKeySecret }),
      fromVariable: 'DASHSCOPE_API_KEY',
    };
  },
};
