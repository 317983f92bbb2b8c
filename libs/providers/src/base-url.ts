import type { UpstreamTarget } from './provider-adapter';

/** Parsed base URLs: every call resolves its provider's target, and parsing a URL is not free. */
const parsedBaseUrls = new Map<string, { origin: string; prefix: string }>();
const MAX_PARSED_BASE_URLS = 1_000;

/** Splits a configured base URL into origin and path prefix (without a trailing slash). */
export function joinBaseUrl(baseUrl: string, suffix: string): UpstreamTarget {
  let parsed = parsedBaseUrls.get(baseUrl);
  if (!parsed) {
    const url = new URL(baseUrl);
    parsed = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
    if (parsedBaseUrls.size >= MAX_PARSED_BASE_URLS) parsedBaseUrls.clear();
    parsedBaseUrls.set(baseUrl, parsed);
  }
  return { origin: parsed.origin, path: `${parsed.prefix}${suffix}` };
}

/** `{"error":{"code"}}` (OpenAI, DashScope compatible mode) or `{"error_code"}` (Huawei) or `{"code"}` (DashScope native). */
export function openAiStyleErrorCode(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const record = body as { error?: { code?: unknown; type?: unknown }; error_code?: unknown; code?: unknown };
  const code = record.error?.code ?? record.error_code ?? record.error?.type ?? record.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : null;
}
