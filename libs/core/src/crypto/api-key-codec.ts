import { hash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'tg_';
const DISPLAY_PREFIX_LENGTH = 10;

export interface MintedApiKey {
  /** The whole key, shown to its owner once. */
  key: string;
  /** What is stored and looked up. */
  hash: string;
  /** What lists show. */
  prefix: string;
}

/** Gateway keys: `tg_` + 32 random bytes base64url. High entropy, so a plain SHA-256 is the right hash. */
export function mintApiKey(): MintedApiKey {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export function hashApiKey(key: string): string {
  // the one-shot hash: a quarter of createHash's cost, on every gateway call
  return hash('sha256', key, 'hex');
}

/** Cheap shape check before any lookup, so garbage never reaches a cache or the database. */
export function looksLikeApiKey(candidate: string): boolean {
  return candidate.startsWith(KEY_PREFIX) && candidate.length >= 20 && candidate.length <= 200;
}
