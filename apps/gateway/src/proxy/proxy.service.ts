import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { errors as undiciErrors } from 'undici';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { ApiDialect, ChatCompletionLike, DialectRequestError, ParsedRequest, readUsage, safeJson, StreamRelay, TranslationContext } from '@app/providers';
import { Admission, estimateTextTokens, PriceCalculator, QuotaLedger, UsageMeter } from '@app/usage';
import { ModelCatalogService, ModelRoute } from '../catalog/model-catalog.service';
import { KeyCacheService } from '../key-auth/key-cache.service';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';
import { GatewayError } from './gateway-error';
import { toGatewayError } from './gateway-error-mapper';
import { MeteredCall } from './metered-call';
import { decodeJsonObject, readRawBody } from './request-body';
import { relayedHeaders } from './relayed-headers';
import { buildUpstreamRequest, UpstreamRequest } from './upstream-request';
import type { UpstreamResponse } from '../upstream/buffered-response';
import { UpstreamCallError, UpstreamDispatcher } from '../upstream/upstream-dispatcher';
import { CallCancellation } from '../upstream/upstream-exchange';

const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** A stream's response head waits this long for the first event to share its write. */
const HEAD_ALONE_AFTER_MS = 50;

type Headers = Record<string, string | string[]>;

/** One client call on its way: its dialect and parsed body, and the provider request it became. */
interface CallPlan {
  dialect: ApiDialect;
  request: ParsedRequest;
  upstreamRequest: UpstreamRequest;
  context: TranslationContext;
  /** The same call translated to chat completions (fallback when a native endpoint lacks the model). */
  translate(): UpstreamRequest;
}

/**
 * The gateway's hot path, the same for every API dialect (chat completions, embeddings,
 * completions, Messages, Responses): key (memory) → body (parsed once, by the dialect) → model
 * route (memory) → quota reservation (leased ledger) → provider (keep-alive pool, native or
 * translated) → response relayed chunk by chunk → exactly one usage record, spooled to disk
 * before the response ends, written to PostgreSQL in batches.
 */
@Injectable()
export class ProxyService {
  private readonly prices = new PriceCalculator();
  private inflight = 0;

  constructor(
    @Inject(KeyCacheService) private readonly keys: KeyCacheService,
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
    @Inject(UpstreamDispatcher) private readonly upstream: UpstreamDispatcher,
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

  async handle(dialect: ApiDialect, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    let call: MeteredCall;
    try {
      call = new MeteredCall(dialect.name, await this.keys.authenticate(req.headers), requestId);
    } catch (error) {
      // Not authenticated: nobody to charge, so no usage event (CONTRACT: authenticated calls).
      const failure = toGatewayError(error, requestId, this.logger);
      this.metrics.refused(failure.code);
      this.sendError(res, dialect, failure);
      return;
    }
    this.inflight++;
    let admission: Admission | undefined;
    let finalBody: Buffer | string | undefined;
    try {
      const { request, text } = await this.readRequest(dialect, req);
      call.model = request.model;
      call.stream = request.stream;
      call.estimatedPromptTokens = request.promptTokens;
      const route = this.routeFor(call, request.model);
      const build = (forceTranslation = false) => {
        const built = this.asBadRequest(() => buildUpstreamRequest(dialect, request, route, req.headers, queryOf(req.url), forceTranslation, text));
        if (built.ignored.length > 0) res.setHeader('x-tollgate-ignored', built.ignored.join(', '));
        return built;
      };
      const plan: CallPlan = {
        dialect,
        request,
        upstreamRequest: build(),
        context: { clientModel: request.model, requestId: call.id, request },
        translate: () => build(true),
      };
      admission = await this.admit(call, request, route);
      finalBody = request.stream ? await this.relayStream(call, plan, res) : await this.relayOnce(call, plan, res);
    } catch (error) {
      const failure = toGatewayError(error, requestId, this.logger);
      call.status = failure.status;
      call.errorCode = failure.code;
      finalBody = dialect.errorBody(failure);
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

  private async readRequest(dialect: ApiDialect, req: IncomingMessage): Promise<{ request: ParsedRequest; text: string }> {
    const { body, text } = decodeJsonObject(await readRawBody(req, this.config.maxBodyBytes));
    return { request: this.asBadRequest(() => dialect.parse(body, estimateTextTokens)), text };
  }

  /** Runs a dialect step, turning its field-named refusals into 400s. */
  private asBadRequest<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (error instanceof DialectRequestError) throw new GatewayError(error.status, 'invalid_request', error.message, error.param);
      throw error;
    }
  }

  private routeFor(call: MeteredCall, model: string): ModelRoute {
    const route = this.catalog.route(model);
    if (!route) throw new GatewayError(404, 'model_not_found', `The model \`${model}\` does not exist.`, 'model');
    const allowed = call.principal.allowedModels;
    if (allowed && !allowed.has(route.name)) {
      throw new GatewayError(403, 'model_not_allowed', `You are not allowed to use the model \`${model}\`.`, 'model');
    }
    call.route = route;
    return route;
  }

  /** Reserves the call's estimate against every quota that applies (429 when one has no room). */
  private async admit(call: MeteredCall, request: ParsedRequest, route: ModelRoute): Promise<Admission> {
    const completionTokens = request.maxOutputTokens ?? this.config.defaultMaxTokens;
    const promptTokens = request.promptTokens;
    const cost = this.prices.price(route.price, { promptTokens, completionTokens, cachedTokens: 0 }).cost;
    const admission = await this.ledger.admit(
      { userId: call.principal.userId, departmentId: call.principal.departmentId },
      { tokens: promptTokens + completionTokens, cost },
    );
    call.quotaCharges = admission.charges;
    return admission;
  }

  /**
   * Sends the request upstream and returns the response head of the one answer the client sees.
   * The one place a call leaves the gateway: the dispatcher picks the account, fails over to
   * another account or a fallback model before the first byte, and says who answered.
   */
  private async sendUpstream(
    call: MeteredCall,
    upstreamRequest: UpstreamRequest,
    res: ServerResponse,
  ): Promise<{ upstream: UpstreamResponse; cancellation: CallCancellation; answered: UpstreamRequest }> {
    const cancellation = new CallCancellation();
    // A client that goes away cancels the provider call at once: nobody pays for unread tokens.
    res.once('close', () => {
      if (!res.writableFinished) cancellation.cancel();
    });
    call.forwarded = true;
    const allowed = call.principal.allowedModels;
    try {
      const answer = await this.upstream.send(call.routed(), upstreamRequest, (model) => !allowed || allowed.has(model), cancellation);
      call.route = answer.route;
      call.account = answer.account;
      return { upstream: answer.response, cancellation, answered: answer.request };
    } catch (error) {
      if (!(error instanceof UpstreamCallError)) throw this.upstreamFailure(error, cancellation, res);
      call.route = error.route;
      call.account = error.account;
      throw this.upstreamFailure(error.cause, cancellation, res);
    }
  }

  /**
   * Native endpoints serve only some models: a native call the provider answers 404 is tried
   * once more, translated to chat completions (nothing has reached the client yet).
   */
  private async send(call: MeteredCall, plan: CallPlan, res: ServerResponse): Promise<{ upstream: UpstreamResponse; cancellation: CallCancellation }> {
    const sent = await this.sendUpstream(call, plan.upstreamRequest, res);
    plan.upstreamRequest = sent.answered; // a fallback model's request, if one answered
    if (sent.upstream.statusCode !== 404 || plan.upstreamRequest.translation || !plan.dialect.translation) return sent;
    if (plan.dialect.name !== 'messages' && plan.dialect.name !== 'responses') return sent;
    await sent.upstream.body.dump().catch(() => undefined);
    plan.upstreamRequest = plan.translate();
    const translated = await this.sendUpstream(call, plan.upstreamRequest, res);
    plan.upstreamRequest = translated.answered;
    return translated;
  }

  private async relayOnce(call: MeteredCall, plan: CallPlan, res: ServerResponse): Promise<Buffer | string> {
    const { upstream, cancellation } = await this.send(call, plan, res);
    let payload: Buffer;
    try {
      payload = await upstream.body.buffer();
    } catch (error) {
      throw this.upstreamFailure(error, cancellation, res);
    }
    return this.answerWhole(call, plan, upstream, payload, res);
  }

  /** A whole (non-stream) provider answer → the client: passed through, or translated back. */
  private answerWhole(call: MeteredCall, plan: CallPlan, upstream: UpstreamResponse, payload: Buffer, res: ServerResponse): Buffer | string {
    const { dialect, context } = plan;
    const headers: Headers = relayedHeaders(upstream.headers);
    const translation = plan.upstreamRequest.translation;
    call.status = upstream.statusCode;
    if (upstream.statusCode >= 300) {
      const error = safeJson(payload.subarray(0, MAX_ERROR_BODY_BYTES));
      call.errorCode = call.routed().adapter.errorCode(error) ?? `upstream_${upstream.statusCode}`;
      if (translation) {
        res.writeHead(upstream.statusCode, { ...headers, 'content-type': 'application/json' });
        return translation.errorFromChat(upstream.statusCode, error);
      }
      res.writeHead(upstream.statusCode, { ...headers, 'content-type': header(upstream.headers['content-type']) ?? 'application/json' });
      return payload;
    }
    if (translation) {
      const chat = safeJson(payload) as ChatCompletionLike | null;
      call.usage = readUsage(chat?.usage);
      if (!chat || typeof chat !== 'object') throw new GatewayError(502, 'upstream_unavailable', 'The provider answered with something that is not JSON.');
      const answer = JSON.stringify(translation.fromChat(chat, context));
      if (!call.usage) this.estimateFrom(call, answer);
      res.writeHead(upstream.statusCode, { ...headers, 'content-type': 'application/json' });
      return answer;
    }
    call.usage = dialect.usageFromJson(payload);
    // A success without usage: the provider still billed it, so estimate from the answer.
    if (!call.usage) this.estimateFrom(call, payload.toString('utf8'));
    res.writeHead(upstream.statusCode, { ...headers, 'content-type': header(upstream.headers['content-type']) ?? 'application/json' });
    return payload;
  }

  private estimateFrom(call: MeteredCall, text: string): void {
    call.markFirstByte();
    call.estimateCompletion = () => estimateTextTokens(text);
  }

  private async relayStream(call: MeteredCall, plan: CallPlan, res: ServerResponse): Promise<Buffer | string> {
    const { upstream, cancellation } = await this.send(call, plan, res);
    const translation = plan.upstreamRequest.translation;
    const contentType = header(upstream.headers['content-type']) ?? '';
    if (upstream.statusCode >= 300 || !contentType.includes('text/event-stream')) {
      // An error (or a provider that ignored `stream`): answered whole.
      const payload = await upstream.body.buffer().catch(() => Buffer.alloc(0));
      return this.answerWhole(call, plan, upstream, payload, res);
    }
    const relay: StreamRelay = translation ? translation.streamFromChat(plan.context) : plan.dialect.streamTap(plan.request);
    res.writeHead(200, {
      ...relayedHeaders(upstream.headers),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    // The head goes out with the first event (one write, not two), or on its own if the provider
    // is slow to send one, so the client knows the stream started.
    const flushHead = setTimeout(() => res.flushHeaders(), HEAD_ALONE_AFTER_MS);
    call.status = 200;
    call.estimateCompletion = () => estimateTextTokens(relay.deliveredText());
    // Once the provider's answer has ended (often in the same read as its last events), what is
    // left goes out with the end of the response, after the usage record is durable microseconds
    // later: one socket write instead of two. Everything before is written as it comes.
    const rest: Array<Buffer | string> = [];
    try {
      for await (const chunk of upstream.body) {
        const out = relay.push(chunk);
        if (out.length === 0) continue;
        call.markFirstByte();
        if (upstream.body.complete) {
          rest.push(out);
          continue;
        }
        clearTimeout(flushHead);
        if (!res.write(out)) await drained(res);
      }
    } catch (error) {
      clearTimeout(flushHead);
      if (cancellation.cancelled || res.destroyed) {
        call.status = 499;
        call.errorCode = 'client_closed_request';
        return '';
      }
      // The provider died or went silent mid-stream: end the client's stream cleanly, with an
      // error event it can read, and meter what was delivered.
      const failure = this.upstreamFailure(error, cancellation, res);
      call.status = failure.status;
      call.errorCode = failure.code === 'upstream_timeout' ? 'upstream_timeout' : 'upstream_stream_interrupted';
      call.usage = null; // estimated from what was delivered
      rest.push(relay.errorEvent(failure));
      return joined(rest);
    }
    clearTimeout(flushHead);
    rest.push(relay.end());
    call.usage = relay.usage;
    if (relay.streamError) call.errorCode = relay.streamError;
    return joined(rest);
  }

  private upstreamFailure(error: unknown, cancellation: CallCancellation, res: ServerResponse): GatewayError {
    if (error instanceof GatewayError) return error;
    if (cancellation.cancelled || res.destroyed) return new GatewayError(499, 'client_closed_request', 'The client closed the request.');
    if (
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      error instanceof undiciErrors.ConnectTimeoutError
    ) {
      return new GatewayError(504, 'upstream_timeout', 'The provider did not answer in time.');
    }
    this.logger.warn({ err: (error as Error).message }, 'provider unreachable');
    return new GatewayError(502, 'upstream_unavailable', 'The provider could not be reached.');
  }

  private sendError(res: ServerResponse, dialect: ApiDialect, error: GatewayError): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
    res.end(dialect.errorBody(error));
  }
}

/** Pieces of a response as one write: text stays text, bytes stay bytes; mixed, as bytes. */
function joined(pieces: Array<Buffer | string>): Buffer | string {
  const parts = pieces.filter((piece) => piece.length > 0);
  if (parts.length <= 1) return parts[0] ?? '';
  if (parts.every((part) => typeof part === 'string')) return parts.join('');
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}

async function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) throw new Error('client closed');
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- changed while we awaited
  if (res.destroyed) throw new Error('client closed');
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function queryOf(url: string | undefined): string {
  if (url === undefined) return '';
  const at = url.indexOf('?');
  return at >= 0 ? url.slice(at) : '';
}
