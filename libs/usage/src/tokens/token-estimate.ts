/** Letters per token of one word (a run of letters, split where an upper-case letter follows a lower-case one). */
const LETTERS_PER_TOKEN = 6;
/** Characters per token of a run of punctuation. */
const PUNCTUATION_PER_TOKEN = 2;
/** Digits per token (o200k-style tokenizers split numbers in groups of at most three). */
const DIGITS_PER_TOKEN = 3;

const enum Run {
  None,
  Word,
  Digits,
  Punctuation,
  Other,
}

/**
 * A cheap, conservative token estimate: one pass over the characters, no vocabulary (the o200k
 * tokenizer costs ~55 MB of resident memory and ~200 ms to load). It follows the pre-tokenizer of
 * BPE tokenizers: words (split at lower→upper case changes), groups of three digits, runs of
 * punctuation, runs of whitespace (a single space joins the word after it), one token per CJK or
 * other non-Latin/Cyrillic character.
 *
 * Measured against o200k on 3,000-character pieces, it is above the real count on prose (×1.1–1.2),
 * source code (×1.2–1.3), JSON (×1.25), Chinese (×1.2), German (×1.15), Russian (×1.45) and emoji
 * (×1.9), and only below it on random alphanumerics (hex ×0.95, base64 ×0.7, e.g. hashes or keys
 * pasted into a prompt). Used where a reservation should err on the safe side: quota admission
 * (settled against the provider's own counts when the call ends) and calls billed on an estimate
 * because the provider sent no usage (flagged `estimated`).
 */
export function estimateTextTokens(text: string): number {
  let tokens = 0;
  let run = Run.None;
  let length = 0;
  let lower = false;
  let spaces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let next: Run;
    let weight = 1;
    let beforeWord = true;
    if ((c >= 97 && c <= 122) || (c >= 0xc0 && c < 0x250)) {
      next = Run.Word; // a–z, Latin-1 and Latin Extended letters
    } else if (c >= 65 && c <= 90) {
      // A–Z: a word continues unless it follows a lower-case letter
      if (lower) {
        tokens += runTokens(run, length);
        run = Run.None;
        length = 0;
        lower = false;
      }
      next = Run.Word;
    } else if (c >= 48 && c <= 57) {
      next = Run.Digits;
      beforeWord = false;
    } else if (c === 32 || c === 9 || c === 10 || c === 13) {
      tokens += runTokens(run, length);
      run = Run.None;
      length = 0;
      lower = false;
      spaces += c === 32 ? 1 : 2; // a line break never joins the next word
      continue;
    } else if (c < 128) {
      next = Run.Punctuation;
    } else if (c >= 0x370 && c < 0x530) {
      next = Run.Word; // Greek and Cyrillic: about half as many letters per token
      weight = 2;
    } else {
      next = Run.Other; // CJK, other scripts, symbols, each half of an emoji: one token each
      beforeWord = false;
    }
    if (next !== run || next === Run.Other) {
      tokens += runTokens(run, length);
      run = next;
      length = 0;
      lower = false;
    }
    // Whitespace before this character: its own token, unless it is one space before a word.
    if (spaces > 1 || (spaces === 1 && !beforeWord)) tokens++;
    spaces = 0;
    length += weight;
    if (next === Run.Word && c >= 97) lower = true;
  }
  tokens += runTokens(run, length);
  if (spaces > 0) tokens++;
  return tokens;
}

function runTokens(run: Run, length: number): number {
  switch (run) {
    case Run.Word:
      return Math.ceil(length / LETTERS_PER_TOKEN);
    case Run.Digits:
      return Math.ceil(length / DIGITS_PER_TOKEN);
    case Run.Punctuation:
      return Math.ceil(length / PUNCTUATION_PER_TOKEN);
    case Run.Other:
      return length;
    case Run.None:
      return 0;
  }
}
