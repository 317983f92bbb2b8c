import { EnvHttpProxyAgent, fetch } from 'undici';
import { PollHttpError } from '../polling/provider-snapshot';
import { guardedConnector } from './guarded-connector';
import { OutboundAddressRefusedError, outboundUrlProblem } from './outbound-address';

let shared: EnvHttpProxyAgent | undefined;

/**
 * The dispatcher for every outbound call the admin API makes to providers (pollers, token
 * refresh): forbidden addresses refused at connect time, HTTPS_PROXY/HTTP_PROXY/NO_PROXY honoured.
 */
export function outboundDispatcher(): EnvHttpProxyAgent {
  shared ??= new EnvHttpProxyAgent({ connect: guardedConnector({ timeout: 10_000 }) });
  return shared;
}

export interface JsonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/**
 * GET/POST JSON with a timeout. Never follows a redirect (a 3xx is an error); a non-JSON answer
 * is reported by status and length only, never copied; non-2xx becomes PollHttpError with the
 * provider's own message (from a JSON error body) and its `Retry-After`.
 */
export async function fetchJson(url: string, init: JsonRequest = {}): Promise<Record<string, unknown>> {
  const problem = outboundUrlProblem(url);
  if (problem) throw new OutboundAddressRefusedError(new URL(url).host);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
    redirect: 'manual',
    dispatcher: outboundDispatcher(),
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  if (res.status >= 300 && res.status < 400) throw new PollHttpError(res.status, `HTTP ${res.status}: redirects are not followed`);
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    body = undefined;
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  if (!body) {
    const what = `HTTP ${res.status}, not JSON (${Buffer.byteLength(text)} bytes)`;
    if (res.ok) throw new PollHttpError(res.status, what);
    throw new PollHttpError(res.status, what, retryAfterSeconds, undefined);
  }
  if (!res.ok) {
    const nested = body.error as { message?: unknown } | undefined;
    const detail = body.detail as { code?: unknown; message?: unknown } | string | undefined;
    const detailText = typeof detail === 'string' ? detail : typeof detail?.code === 'string' ? detail.code : undefined;
    const message = String(body.message ?? body.Message ?? body.error_msg ?? nested?.message ?? body.error_description ?? detailText ?? `HTTP ${res.status}`);
    throw new PollHttpError(res.status, message, retryAfterSeconds, body);
  }
  return body;
}
