import type { IncomingHttpHeaders } from 'node:http';

const RELAYED = /^(retry-after|retry-after-ms|x-ratelimit-.+|anthropic-ratelimit-.+)$/;
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-dashscope-request-id', 'x-amzn-requestid', 'x-trace-id'];

/**
 * The provider's response headers the caller gets unchanged: rate-limit and retry headers (so
 * SDKs back off as they would against the provider), and the provider's request id as
 * `x-upstream-request-id` (the gateway's own `x-request-id` is the usage event's id).
 */
export function relayedHeaders(upstream: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value !== undefined && RELAYED.test(name)) out[name] = value;
  }
  for (const name of REQUEST_ID_HEADERS) {
    const value = upstream[name];
    if (typeof value === 'string' && value) {
      out['x-upstream-request-id'] = value;
      break;
    }
  }
  return out;
}
