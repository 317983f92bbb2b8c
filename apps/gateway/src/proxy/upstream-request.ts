import type { IncomingHttpHeaders } from 'node:http';
import { apiModeFor, ApiDialect, ChatTranslation, ParsedRequest, ProviderOperation, UpstreamTarget, withUsageChunk } from '@app/providers';
import type { ModelRoute } from '../catalog/model-catalog.service';
import { GatewayError } from './gateway-error';
import { serialiseBody } from './request-body';

/** The one provider call a client call becomes: native in the client's dialect, or translated to chat. */
export interface UpstreamRequest {
  operation: ProviderOperation;
  target: UpstreamTarget;
  headers: Record<string, string>;
  payload: string;
  stream: boolean;
  /** Set when the call is translated to chat completions: how answers go back to the client. */
  translation: ChatTranslation | null;
  /** Request fields safely ignored by the translation (the `x-tollgate-ignored` header). */
  ignored: string[];
  /** The same client call built for another model (a fallback); credentials are added per account. */
  forRoute(route: ModelRoute): UpstreamRequest;
}

/**
 * Chooses native or translated for this model and builds the provider request: the body with
 * the provider's model name, the provider's credentials, and the dialect's forwarded headers.
 */
export function buildUpstreamRequest(
  dialect: ApiDialect,
  request: ParsedRequest,
  route: ModelRoute,
  clientHeaders: IncomingHttpHeaders,
  query: string,
  forceTranslation = false,
  clientText?: string,
): UpstreamRequest {
  const translate =
    dialect.translation !== undefined &&
    (dialect.name === 'messages' || dialect.name === 'responses') &&
    (forceTranslation || apiModeFor(route.adapter, route.baseUrl, dialect.name, route.providerOptions, route.modelOptions) === 'translated');
  const forRoute = (other: ModelRoute) => buildUpstreamRequest(dialect, request, other, clientHeaders, query, forceTranslation, clientText);
  if (translate) {
    const translated = dialect.translation.toChat(request);
    const body = { ...translated.body, model: route.upstreamModel };
    return {
      operation: 'chat.completions',
      target: targetOf(route, 'chat.completions'),
      headers: headersFor(route, 'chat.completions', request.stream),
      payload: serialiseBody(request.stream ? withUsageChunk(body) : body),
      stream: request.stream,
      translation: dialect.translation,
      ignored: translated.ignored,
      forRoute,
    };
  }
  const native = dialect.nativeBody(request);
  const payload = reusedPayload(clientText, request.body, native, route.upstreamModel) ?? serialiseBody({ ...native, model: route.upstreamModel });
  const headers = headersFor(route, dialect.name, request.stream);
  for (const name of dialect.forwardedHeaders) {
    const value = clientHeaders[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const target = targetOf(route, dialect.name);
  return {
    operation: dialect.name,
    target: query && dialect.name === 'messages' ? { ...target, path: `${target.path}${query}` } : target,
    headers,
    payload,
    stream: request.stream,
    translation: null,
    ignored: [],
    forRoute,
  };
}

function targetOf(route: ModelRoute, operation: ProviderOperation): UpstreamTarget {
  const target = route.adapter.target(route.baseUrl, operation);
  if (!target) throw new GatewayError(404, 'invalid_request', `The provider of \`${route.name}\` does not serve ${operation}.`, 'model');
  return target;
}

/** Without credentials: the upstream dispatcher adds the chosen account's. */
function headersFor(_route: ModelRoute, _operation: ProviderOperation, stream: boolean): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
}

/**
 * The client's own text, when the provider body is the client's body with the same model name and
 * at most some top-level fields added (e.g. `stream_options` for usage): no re-serialisation of
 * what can be a large prompt. A body that names `"model"` more than once is re-serialised, so the
 * provider sees exactly the model that was routed and priced (parsers differ on duplicate keys).
 */
export function reusedPayload(
  text: string | undefined,
  client: Record<string, unknown>,
  native: Record<string, unknown>,
  upstreamModel: string,
): string | undefined {
  if (text === undefined || client.model !== upstreamModel) return undefined;
  if (text.indexOf('"model"') !== text.lastIndexOf('"model"')) return undefined;
  if (native === client) return text;
  let added = '';
  for (const key of Object.keys(client)) if (native[key] !== client[key]) return undefined;
  for (const key of Object.keys(native)) {
    if (!Object.hasOwn(client, key)) added += `,${JSON.stringify(key)}:${JSON.stringify(native[key])}`;
  }
  const end = text.lastIndexOf('}');
  return end < 0 ? undefined : text.slice(0, end) + added + text.slice(end);
}
