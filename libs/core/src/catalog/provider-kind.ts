export const PROVIDER_KINDS = ['dashscope', 'huawei-maas', 'openai'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
