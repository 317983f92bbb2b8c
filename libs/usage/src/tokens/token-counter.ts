import { countTokens } from 'gpt-tokenizer';

/** Past this many characters an exact count costs more than it is worth on the hot path. */
const EXACT_LIMIT_CHARS = 16_000;

/**
 * Local token estimates (o200k BPE via gpt-tokenizer) for quota reservations and for metering
 * calls whose provider usage never arrived. Long texts fall back to a conservative 1 token per
 * 3 characters, deliberately over-estimating so reservations err on the safe side.
 */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  if (text.length > EXACT_LIMIT_CHARS) return Math.ceil(text.length / 3);
  return countTokens(text);
}
