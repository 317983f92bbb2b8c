/** Token counts as the gateway records them. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens read from the provider's cache (a subset of prompt tokens). */
  cachedTokens: number;
  /** Prompt tokens written to the provider's cache (a subset of prompt tokens; Anthropic-style caches). */
  cacheWriteTokens: number;
  /** Part of completion tokens. */
  reasoningTokens: number;
  totalTokens: number;
}

interface WireUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  total_tokens?: unknown;
  input_tokens?: unknown;
  output_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/**
 * Reads an OpenAI-shaped `usage` object (OpenAI, DashScope compatible mode, Huawei MaaS), or the
 * native DashScope `input_tokens/output_tokens`. Reasoning tokens are part of completion tokens
 * on these providers (never added again); cached tokens are part of prompt tokens.
 */
export function readUsage(usage: unknown): TokenUsage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const wire = usage as WireUsage;
  const promptTokens = count(wire.prompt_tokens ?? wire.input_tokens);
  const completionTokens = count(wire.completion_tokens ?? wire.output_tokens);
  const totalTokens = count(wire.total_tokens) || promptTokens + completionTokens;
  return {
    promptTokens,
    completionTokens,
    cachedTokens: count(wire.prompt_tokens_details?.cached_tokens),
    cacheWriteTokens: 0,
    reasoningTokens: count(wire.completion_tokens_details?.reasoning_tokens),
    totalTokens,
  };
}
