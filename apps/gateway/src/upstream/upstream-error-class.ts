/**
 * What a provider's error answer means for the account that gave it, decided by the provider's
 * error code first and the HTTP status only where the code says nothing more (CONTRACT "Upstream
 * accounts"; codes from providers.md: DashScope, Huawei MaaS, OpenAI, Anthropic).
 *
 * - `rate_limited`: this account (or its limit group) is throttled — retry on another, cool it down.
 * - `exhausted`:    this account's quota or credit is spent — retry on another, cool it down longer.
 * - `auth`:         its credentials were refused — retry on another, keep it out until they are edited.
 * - `unavailable`:  the provider failed (5xx) or could not be reached — retry on another, short cool-down.
 * - `final`:        about the request itself (moderation, model access, bad parameters, any other
 *                   4xx): the same request fails everywhere, so it is never retried and never held
 *                   against the account.
 */
export type FailureKind = 'rate_limited' | 'exhausted' | 'auth' | 'unavailable' | 'final';

export interface UpstreamFailure {
  kind: FailureKind;
  /** The provider's code, or `http_<status>` / a connection error code. */
  code: string;
  /** From `Retry-After`, when the provider sent one. */
  retryAfterMs: number | null;
}

/** Bad credentials, whatever the status they come with. */
const AUTH_CODES = new Set([
  'invalid_api_key', // OpenAI, DashScope compatible mode (401)
  'InvalidApiKey', // DashScope native (401)
  'invalid_authentication',
  'authentication_error', // Anthropic
  'ModelArts.81002', // Huawei: failed to get the authorization header
  'ModelArts.81003', // Huawei: invalid authorization header
  'APIG.0301', // Huawei APIG: incorrect IAM identity
  'account_deactivated',
]);

/** Spent quota or credit of this account (not the request's fault; another account may have room). */
const EXHAUSTED_CODES = new Set([
  'Arrearage', // DashScope, HTTP 400: overdue payment on this Alibaba Cloud account
  'PrepaidBillOverdue',
  'PostpaidBillOverdue',
  'CommodityNotPurchased',
  'AllocationQuota.FreeTierOnly',
  'ModelArts.81005', // Huawei: free quota used up
  'ModelArts.81006', // Huawei: resource frozen
  'ModelArts.81014', // Huawei: free service expired
]);

/** 429s that are about the request, not the rate (Huawei 81113: message too large). */
const FINAL_DESPITE_429 = new Set(['ModelArts.81113']);

/** Throttling codes with a non-429 status, seen in the wild. */
const RATE_LIMIT_CODES = new Set([
  'Throttling',
  'Throttling.RateQuota',
  'Throttling.AllocationQuota',
  'limit_requests',
  'LimitRequests',
  'rate_limit_exceeded',
  'ModelArts.81101',
  'ModelArts.81103',
  'ModelArts.81111',
  'ModelArts.81114',
  'APIG.0308',
]);

export function classifyUpstreamError(status: number, code: string | null, message: string, retryAfter: string | string[] | undefined): UpstreamFailure {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const named = code ?? `http_${status}`;
  if (code !== null && AUTH_CODES.has(code)) return { kind: 'auth', code: named, retryAfterMs };
  if (code !== null && EXHAUSTED_CODES.has(code)) return { kind: 'exhausted', code: named, retryAfterMs };
  // DashScope answers TPM throttling and a spent free quota with the same code; the message decides.
  if (code === 'Throttling.AllocationQuota' && /free allocated quota/i.test(message)) return { kind: 'exhausted', code: named, retryAfterMs };
  if (status === 429) return { kind: code !== null && FINAL_DESPITE_429.has(code) ? 'final' : 'rate_limited', code: named, retryAfterMs };
  if (code !== null && RATE_LIMIT_CODES.has(code)) return { kind: 'rate_limited', code: named, retryAfterMs };
  // A 401 is about credentials unless its code says otherwise (Huawei 81004-81006 also come as 401).
  if (status === 401) return { kind: code !== null && /^ModelArts\.810(04|11)$/.test(code) ? 'final' : 'auth', code: named, retryAfterMs };
  if (status >= 500) return { kind: 'unavailable', code: named, retryAfterMs };
  return { kind: 'final', code: named, retryAfterMs };
}

/** Errors of reaching the provider at all (nothing was sent, or nothing came back): safe to retry elsewhere. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** A connection failure before any answer, or null for errors that must not be retried (e.g. a first-byte timeout). */
export function classifyConnectionError(error: unknown): UpstreamFailure | null {
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown })?.cause);
  if (code === null || !CONNECTION_ERRORS.has(code)) return null;
  return { kind: 'unavailable', code: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect_timeout' : code.toLowerCase(), retryAfterMs: null };
}

function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : null;
}

/** `Retry-After` as seconds or an HTTP date; capped at one hour. */
export function parseRetryAfter(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  const seconds = Number(text);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - Date.now();
  if (!Number.isFinite(ms) || ms <= 0) return null;
  return Math.min(ms, 3_600_000);
}
