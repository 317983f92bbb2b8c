import type { UpstreamTarget } from './provider-adapter';

/** Splits a configured base URL into origin and path prefix (without a trailing slash). */
export function joinBaseUrl(baseUrl: string, suffix: string): UpstreamTarget {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, path: `${prefix}${suffix}` };
}

/** `{"error":{"code"}}` (OpenAI, DashScope compatible mode) or `{"error_code"}` (Huawei) or `{"code"}` (DashScope native). */
export function openAiStyleErrorCode(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const record = body as { error?: { code?: unknown; type?: unknown }; error_code?: unknown; code?: unknown };
  const code = record.error?.code ?? record.error_code ?? record.error?.type ?? record.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : null;
}
