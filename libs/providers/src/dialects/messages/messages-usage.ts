import type { TokenUsage } from '../../usage';

/** Anthropic's usage object (non-stream, `message_start.message.usage`, `message_delta.usage`). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  [other: string]: unknown;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/**
 * Anthropic usage, normalised: `input_tokens` excludes cached tokens, so prompt tokens are
 * input + cache reads + cache writes; cached = cache reads; cache writes kept apart.
 */
export function readAnthropicUsage(usage: unknown): TokenUsage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const wire = usage as AnthropicUsage;
  const cachedTokens = count(wire.cache_read_input_tokens);
  const cacheWriteTokens = count(wire.cache_creation_input_tokens);
  const promptTokens = count(wire.input_tokens) + cachedTokens + cacheWriteTokens;
  const completionTokens = count(wire.output_tokens);
  return { promptTokens, completionTokens, cachedTokens, cacheWriteTokens, reasoningTokens: 0, totalTokens: promptTokens + completionTokens };
}

/**
 * Streams: `message_start` carries the input side and a provisional output count; every
 * `message_delta` carries the cumulative usage, whose non-null fields override.
 */
export function mergeAnthropicUsage(base: AnthropicUsage | null, update: unknown): AnthropicUsage | null {
  if (typeof update !== 'object' || update === null) return base;
  const merged: AnthropicUsage = { ...(base ?? {}) };
  for (const [key, value] of Object.entries(update as AnthropicUsage)) if (value !== null && value !== undefined) merged[key] = value;
  return merged;
}
