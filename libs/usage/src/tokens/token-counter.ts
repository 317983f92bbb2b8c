import { countTokens } from 'gpt-tokenizer';

/** Past this many characters an exact count costs more than it is worth on the hot path. */
const EXACT_LIMIT_CHARS = 16_000;
/** Per-message framing overhead, as OpenAI documents for chat formats. */
const TOKENS_PER_MESSAGE = 4;

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

/** Prompt tokens of a chat request's `messages` (text parts only; images are not estimated). */
export function countMessageTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let total = 3;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE;
    if (typeof message !== 'object' || message === null) continue;
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') total += countTextTokens(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        const text = (part as { text?: unknown } | null)?.text;
        if (typeof text === 'string') total += countTextTokens(text);
      }
    }
  }
  return total;
}

/** Tokens of an embeddings request's `input` (a string or an array of strings). */
export function countInputTokens(input: unknown): number {
  if (typeof input === 'string') return countTextTokens(input);
  if (Array.isArray(input)) return input.reduce<number>((sum, item) => sum + (typeof item === 'string' ? countTextTokens(item) : 0), 0);
  return 0;
}
