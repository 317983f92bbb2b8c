import { COMMON_OPTIONS, SERVED_OPTIONS, definedOptions, ProviderKindDefinition } from '../provider-kind';
import { HuaweiMaasAdapter } from './huawei-maas.adapter';
import { HuaweiMaasPoller } from './huawei-maas.poller';

/**
 * Huawei Cloud MaaS: OpenAI-compatible inference (cumulative stream usage), and with AK/SK the
 * ModelArts usage statistics (today's for polling, any period for reconciliation). Created at
 * start-up from HUAWEI_MAAS_API_KEY (+ HW_ACCESS_KEY/HW_SECRET_KEY/HW_REGION/HW_PROJECT_ID).
 */
export const HUAWEI_MAAS: ProviderKindDefinition = {
  kind: 'huawei-maas',
  adapter: new HuaweiMaasAdapter(),
  poller: new HuaweiMaasPoller(),
  requiresApiKey: true,
  options: {
    ...COMMON_OPTIONS,
    ...SERVED_OPTIONS,
    accessKey: { type: 'string', secret: true, masked: true },
    secretKey: { type: 'string', secret: true },
    region: { type: 'string' },
    projectId: { type: 'string' },
    iamEndpoint: { type: 'url' },
    modelartsEndpoint: { type: 'url' },
    serviceType: { type: 'integer' },
  },
  bootstrap(config) {
    const env = config.bootstrapProviders.huaweiMaas;
    if (!env) return undefined;
    return {
      baseUrl: env.baseUrl,
      apiKey: env.apiKey,
      options: definedOptions({ accessKey: env.accessKey, secretKey: env.secretKey, region: env.region, projectId: env.projectId }),
      fromVariable: 'HUAWEI_MAAS_API_KEY',
    };
  },
};
