/**
 * Text that clients or providers control (model names, error codes) must be storable by
 * PostgreSQL whatever it contains (DESIGN.md §5): no NUL (PostgreSQL text cannot hold one), no
 * unpaired UTF-16 surrogate (not valid Unicode; the UTF-8 encoder silently turns it into U+FFFD),
 * and a bounded length (an unbounded label is an unbounded index entry and metrics series).
 * Pure functions, cheap on the common case: a clean string is returned as it is.
 */

/** Longest model name the gateway accepts (and stores). */
export const MAX_MODEL_NAME_LENGTH = 256;
/** Longest error code stored; providers' own codes are short identifiers. */
export const MAX_ERROR_CODE_LENGTH = 128;

// eslint-disable-next-line no-control-regex -- matching NUL and control characters is the point: they are what gets cleaned
const NEEDS_CLEANING = /[\u0000\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- matching NUL and control characters is the point: they are what gets cleaned
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The string with NUL removed, unpaired surrogates replaced by U+FFFD and at most `maxLength`
 * UTF-16 code units (never cutting a surrogate pair in two).
 */
export function cleanText(value: string, maxLength: number): string {
  let text = value;
  if (NEEDS_CLEANING.test(text)) {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0) continue;
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (next >= 0xdc00 && next <= 0xdfff) {
          out += text[i] + text[i + 1];
          i++;
        } else out += '\ufffd';
      } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
      else out += text[i];
    }
    text = out;
  }
  if (text.length > maxLength) {
    const last = text.charCodeAt(maxLength - 1);
    text = text.slice(0, last >= 0xd800 && last <= 0xdbff ? maxLength - 1 : maxLength);
  }
  return text;
}

/** `cleanText` for nullable fields; anything that is not a string becomes null. */
export function cleanOptionalText(value: unknown, maxLength: number): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? cleanText(value, maxLength) : null;
}

/** True when the string holds an unpaired surrogate. */
export function hasUnpairedSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

export type ModelNameCheck = { ok: true; model: string } | { ok: false; problem: string };

/**
 * The edge check every API dialect applies to the `model` a client sends: a non-empty string
 * of at most 256 characters, without control characters or unpaired surrogates. A refusal is a
 * 400 naming `model`; the problem text never echoes the value.
 */
export function checkModelName(value: unknown): ModelNameCheck {
  if (typeof value !== 'string' || value.length === 0) return { ok: false, problem: '`model` is required and must be a non-empty string.' };
  if (value.length > MAX_MODEL_NAME_LENGTH) {
    return { ok: false, problem: `\`model\` must be at most ${MAX_MODEL_NAME_LENGTH} characters long.` };
  }
  if (CONTROL.test(value)) return { ok: false, problem: '`model` must not contain control characters.' };
  if (hasUnpairedSurrogate(value)) return { ok: false, problem: '`model` must be valid Unicode text.' };
  return { ok: true, model: value };
}
