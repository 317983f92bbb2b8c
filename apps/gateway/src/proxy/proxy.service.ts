import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { errors as undiciErrors, Dispatcher } from 'undici';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { ProviderOperation, readUsage, SseUsageTap } from '@app/providers';
import {
  Admission,
  countInputTokens,
  countMessageTokens,
  countTextTokens,
  PriceCalculator,
  QuotaExceededError,
  QuotaLedger,
  QuotaUnavailableError,
  UsageMeter,
} from '@app/usage';
import { ModelCatalogService, ModelRoute } from '../catalog/model-catalog.service';
import { KeyCacheService } from '../key-auth/key-cache.service';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';
import { GatewayError } from './gateway-error';
import { MeteredCall } from './metered-call';
import { ChatBody, EmbeddingsBody, ParsedBody, parseBody, readRawBody, serialiseBody } from './request-body';
import { UpstreamPoolsService } from './upstream-pools.service';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The gateway's hot path, for chat completions and embeddings:
 * key (memory) → body (parsed once) → model route (memory) → quota reservation (leased ledger)
 * → provider (keep-alive pool) → response piped chunk by chunk → exactly one usage record,
 * spooled to disk before the response ends, written to PostgreSQL in batches.
 */
@Injectable()
export class ProxyService {
  private readonly prices = new PriceCalculator();
  private inflight = 0;

  constructor(
    @Inject(KeyCacheService) private readonly keys: KeyCacheService,
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
    @Inject(UpstreamPoolsService) private readonly pools: UpstreamPoolsService,
    @Inject(QuotaLedger) private readonly ledger: QuotaLedger,
    @Inject(UsageMeter) private readonly meter: UsageMeter,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Calls in progress (graceful shutdown waits for them). */
  get callsInFlight(): number {
    return this.inflight;
  }

  async handle(operation: ProviderOperation, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = new MeteredCall(operation);
    res.setHeader('x-request-id', call.id);
    try {
      call.principal = await this.keys.authenticate(req.headers.authorization);
    } catch (error) {
      // Not authenticated: nobody to charge, so no usage event (CONTRACT: authenticated calls).
      this.metrics.refused(this.toGatewayError(error).code);
      return this.sendError(res, this.toGatewayError(error));
    }
    this.inflight++;
    let admission: Admission | undefined;
    let finalBody: Buffer | string | undefined;
    try {
      const body = parseBody(await readRawBody(req, this.config.maxBodyBytes), operation);
      call.model = body.model;
      call.stream = operation === 'chat.completions' && (body as ChatBody).stream === true;
      const route = this.routeFor(call, body.model);
      const estimate = this.estimate(operation, body, route);
      call.estimatedPromptTokens = estimate.promptTokens;
      admission = await this.ledger.admit(
        { userId: call.principal.userId, departmentId: call.principal.departmentId },
        { tokens: estimate.promptTokens + estimate.completionTokens, cost: estimate.cost },
      );
      call.quotaCharges = admission.charges;
      finalBody = call.stream
        ? await this.relayStream(call, route, body as ChatBody, res)
        : await this.relayOnce(call, route, operation, body, res);
    } catch (error) {
      const failure = this.toGatewayError(error);
      call.status = failure.status;
      call.errorCode = failure.code;
      finalBody = failure.body();
      if (!res.headersSent) res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
    } finally {
      this.inflight--;
      const record = call.toRecord(this.prices, this.ledger.replicaId);
      admission?.settle({ tokens: record.totalTokens, cost: record.cost });
      // Durable before the client sees the end of the response.
      await this.meter.record(record);
      this.metrics.observe(record);
      if (!res.writableEnded && !res.destroyed) res.end(finalBody);
    }
  }

  private routeFor(call: MeteredCall, model: string): ModelRoute {
    const route = this.catalog.route(model);
    if (!route) throw new GatewayError(404, 'model_not_found', `The model \`${model}\` does not exist.`, 'model');
    const allowed = call.principal!.allowedModels;
    if (allowed && !allowed.has(route.name)) {
      throw new GatewayError(403, 'model_not_allowed', `You are not allowed to use the model \`${model}\`.`, 'model');
    }
    call.route = route;
    return route;
  }

  private estimate(operation: ProviderOperation, body: ParsedBody, route: ModelRoute) {
    const promptTokens =
      operation === 'chat.completions' ? countMessageTokens((body as ChatBody).messages) : countInputTokens((body as EmbeddingsBody).input);
    const chat = body as ChatBody;
    const completionTokens = operation === 'chat.completions' ? (chat.max_completion_tokens ?? chat.max_tokens ?? this.config.defaultMaxTokens) : 0;
    const cost = this.prices.price(route.price, { promptTokens, completionTokens, cachedTokens: 0 }).cost;
    return { promptTokens, completionTokens, cost };
  }

  private async callUpstream(
    call: MeteredCall,
    route: ModelRoute,
    operation: ProviderOperation,
    body: ParsedBody,
    res: ServerResponse,
  ): Promise<{ upstream: Dispatcher.ResponseData; abort: AbortController }> {
    body.model = route.upstreamModel;
    const payload = serialiseBody(body);
    const target = route.adapter.target(route.baseUrl, operation);
    const abort = new AbortController();
    // A client that goes away cancels the provider call at once: nobody pays for unread tokens.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    call.forwarded = true;
    try {
      const upstream = await this.pools.pool(target.origin).request({
        method: 'POST',
        path: target.path,
        headers: {
          'content-type': 'application/json',
          accept: call.stream ? 'text/event-stream' : 'application/json',
          ...route.adapter.authHeaders(route.credentials),
        },
        body: payload,
        signal: abort.signal,
      });
      return { upstream, abort };
    } catch (error) {
      throw this.upstreamFailure(error, abort, res);
    }
  }

  private async relayOnce(
    call: MeteredCall,
    route: ModelRoute,
    operation: ProviderOperation,
    body: ParsedBody,
    res: ServerResponse,
  ): Promise<Buffer> {
    const { upstream, abort } = await this.callUpstream(call, route, operation, body, res);
    let payload: Buffer;
    try {
      payload = Buffer.from(await upstream.body.arrayBuffer());
    } catch (error) {
      throw this.upstreamFailure(error, abort, res);
    }
    call.status = upstream.statusCode;
    if (upstream.statusCode < 300) {
      call.usage = readUsage(extractUsageObject(payload));
      if (!call.usage) {
        // A success without usage: the provider still billed it, so estimate from the answer.
        call.markFirstByte();
        call.estimateCompletion = () => countTextTokens(payload.toString('utf8'));
      }
    } else call.errorCode = route.adapter.errorCode(safeJson(payload.subarray(0, MAX_ERROR_BODY_BYTES))) ?? `upstream_${upstream.statusCode}`;
    res.writeHead(upstream.statusCode, { 'content-type': header(upstream.headers['content-type']) ?? 'application/json' });
    return payload;
  }

  private async relayStream(call: MeteredCall, route: ModelRoute, body: ChatBody, res: ServerResponse): Promise<string> {
    const clientWantsUsage = body.stream_options?.include_usage === true;
    body.stream_options = { ...(body.stream_options ?? {}), include_usage: true };
    const { upstream, abort } = await this.callUpstream(call, route, 'chat.completions', body, res);
    const contentType = header(upstream.headers['content-type']) ?? '';
    if (upstream.statusCode >= 300 || !contentType.includes('text/event-stream')) {
      // An error (or a provider that ignored `stream`): pass its status and body through.
      const payload = Buffer.from(await upstream.body.arrayBuffer().catch(() => new ArrayBuffer(0)));
      call.status = upstream.statusCode;
      if (upstream.statusCode >= 300) {
        call.errorCode = route.adapter.errorCode(safeJson(payload.subarray(0, MAX_ERROR_BODY_BYTES))) ?? `upstream_${upstream.statusCode}`;
      } else {
        call.usage = readUsage(extractUsageObject(payload));
      }
      res.writeHead(upstream.statusCode, { 'content-type': contentType || 'application/json' });
      return payload.toString('utf8');
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    call.status = 200;
    const tap = new SseUsageTap(!clientWantsUsage);
    call.estimateCompletion = () => countTextTokens(tap.deliveredText());
    try {
      for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
        const out = tap.push(chunk);
        if (out.length === 0) continue;
        call.markFirstByte();
        if (!res.write(out)) await drained(res);
      }
    } catch (error) {
      if (abort.signal.aborted || res.destroyed) {
        call.status = 499;
        call.errorCode = 'client_closed_request';
        return '';
      }
      // The provider died or went silent mid-stream: end the client's stream cleanly, with an
      // error event it can read, and meter what was delivered.
      const failure = this.upstreamFailure(error, abort, res);
      call.status = failure.status;
      call.errorCode = failure.code === 'upstream_timeout' ? 'upstream_timeout' : 'upstream_stream_interrupted';
      call.usage = null; // estimated from what was delivered
      return `data: ${failure.body()}\n\n`;
    }
    call.usage = tap.usage;
    if (tap.streamError) call.errorCode = tap.streamError;
    return tap.end();
  }

  private upstreamFailure(error: unknown, abort: AbortController, res: ServerResponse): GatewayError {
    if (abort.signal.aborted || res.destroyed) return new GatewayError(499, 'client_closed_request', 'The client closed the request.');
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError) {
      return new GatewayError(504, 'upstream_timeout', 'The provider did not answer in time.');
    }
    this.logger.warn({ err: (error as Error).message }, 'provider unreachable');
    return new GatewayError(502, 'upstream_unavailable', 'The provider could not be reached.');
  }

  private toGatewayError(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    if (error instanceof QuotaExceededError) {
      return new GatewayError(429, 'quota_exceeded', error.message, null, { 'retry-after': String(error.retryAfterSeconds) });
    }
    if (error instanceof QuotaUnavailableError) {
      return new GatewayError(503, 'service_unavailable', 'Quotas cannot be checked right now; try again shortly.', null, { 'retry-after': '5' });
    }
    const errorId = Math.random().toString(36).slice(2, 10);
    this.logger.error({ errorId, err: (error as Error)?.message, stack: (error as Error)?.stack }, 'unexpected gateway error');
    return new GatewayError(500, 'internal_error', `Internal error (id ${errorId}).`);
  }

  private sendError(res: ServerResponse, error: GatewayError): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
    res.end(error.body());
  }
}

async function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) throw new Error('client closed');
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  if (res.destroyed) throw new Error('client closed');
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * The `usage` object of a JSON response, found without parsing the whole (possibly large)
 * completion: the last `"usage":` key, then its balanced braces. Falls back to a full parse.
 */
export function extractUsageObject(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  const at = text.lastIndexOf('"usage"');
  if (at >= 0) {
    const open = text.indexOf('{', at);
    const colon = text.indexOf(':', at);
    if (open > 0 && colon > 0 && colon < open && text.slice(colon + 1, open).trim() === '') {
      let depth = 0;
      for (let i = open; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 123) depth++;
        else if (c === 125 && --depth === 0) {
          try {
            return JSON.parse(text.slice(open, i + 1));
          } catch {
            break;
          }
        }
      }
    }
  }
  return (safeJson(payload) as { usage?: unknown } | null)?.usage ?? null;
}
