import type { ProviderKind } from '@app/core';
import { DashScopeAdapter } from './dashscope/dashscope.adapter';
import { HuaweiMaasAdapter } from './huawei-maas/huawei-maas.adapter';
import { OpenAiAdapter } from './openai/openai.adapter';
import type { ProviderAdapter } from './provider-adapter';

const ADAPTERS: Record<ProviderKind, ProviderAdapter> = {
  openai: new OpenAiAdapter(),
  dashscope: new DashScopeAdapter(),
  'huawei-maas': new HuaweiMaasAdapter(),
};

export function adapterFor(kind: ProviderKind): ProviderAdapter {
  return ADAPTERS[kind];
}
