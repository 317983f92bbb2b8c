import { estimateTextTokens } from './token-estimate';

/** Past this many characters an exact count costs more than it is worth. */
const EXACT_LIMIT_CHARS = 16_000;

export type TextTokenCounter = (text: string) => number;

let loading: Promise<TextTokenCounter> | undefined;

/**
 * The o200k BPE tokenizer (gpt-tokenizer), for the one answer that is itself a token count: the
 * local estimate of `/v1/messages/count_tokens`. It is loaded on first use only (~200 ms, ~55 MB
 * resident), never on the metered hot path: quota admission and calls billed on an estimate use
 * `estimateTextTokens` (no vocabulary, conservative). Loading it for estimated billing would not
 * save memory — a client hanging up mid-call (metered 499, estimated) happens within seconds of
 * any real load — and before this change texts over 16,000 characters, the prompts that cost
 * most, were already billed on a characters-based estimate. Long texts still fall back to the
 * conservative estimate here.
 */
export function loadTokenCounter(): Promise<TextTokenCounter> {
  loading ??= import('gpt-tokenizer').then(({ countTokens }) => (text: string) => {
    if (text.length === 0) return 0;
    if (text.length > EXACT_LIMIT_CHARS) return estimateTextTokens(text);
    return countTokens(text);
  });
  return loading;
}
