import type { TokenUsage } from '../../usage';

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/**
 * Responses usage: `input_tokens` (includes cached), `input_tokens_details.cached_tokens`,
 * `output_tokens` (includes reasoning), `output_tokens_details.reasoning_tokens`.
 */
export function readResponsesUsage(usage: unknown): TokenUsage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const wire = usage as {
    input_tokens?: unknown;
    output_tokens?: unknown;
    total_tokens?: unknown;
    input_tokens_details?: { cached_tokens?: unknown } | null;
    output_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  const promptTokens = count(wire.input_tokens);
  const completionTokens = count(wire.output_tokens);
  return {
    promptTokens,
    completionTokens,
    cachedTokens: count(wire.input_tokens_details?.cached_tokens),
    cacheWriteTokens: 0,
    reasoningTokens: count(wire.output_tokens_details?.reasoning_tokens),
    totalTokens: count(wire.total_tokens) || promptTokens + completionTokens,
  };
}
