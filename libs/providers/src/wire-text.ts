/**
 * A value read off a provider's JSON, as text: strings as they are, numbers and booleans in their
 * usual form, and any object or array as JSON (never `[object Object]`). Callers supply the
 * fallback through `??` before calling, so nullish input is already excluded by the time it lands here.
 */
export function wireText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
