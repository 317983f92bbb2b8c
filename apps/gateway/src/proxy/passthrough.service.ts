import { randomUUID } from 'node:crypto';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { createProxyMiddleware, RequestHandler } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import { AppConfig, ROOT_LOGGER, errorMessage } from '@app/core';
import { dialectFor, readUsage, safeJson, UpstreamTarget } from '@app/providers';
import { Admission, checkModelName, PriceCalculator, QuotaLedger, UsageMeter } from '@app/usage';
import { ModelCatalogService, ModelRoute } from '../catalog/model-catalog.service';
import { KeyCacheService } from '../key-auth/key-cache.service';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';
import { GatewayError, invalidRequest } from './gateway-error';
import { toGatewayError } from './gateway-error-mapper';
import { MeteredCall } from './metered-call';
import type { UpstreamAccount } from '../upstream/upstream-account';
import { UpstreamDispatcher } from '../upstream/upstream-dispatcher';
import { readRawBody } from './request-body';

/** Off-hot-path provider routes that may pass through, by path (POST). */
const ROUTES = new Map<string, string>([
  ['/v1/audio/speech', 'audio.speech'],
  ['/v1/audio/transcriptions', 'audio.transcriptions'],
  ['/v1/audio/translations', 'audio.translations'],
  ['/v1/images/generations', 'images.generations'],
  ['/v1/images/edits', 'images.edits'],
  ['/v1/images/variations', 'images.variations'],
  ['/v1/moderations', 'moderations'],
  ['/v1/rerank', 'rerank'],
  ['/v1/reranks', 'rerank'],
]);
const MAX_TAPPED_BYTES = 256 * 1024;
const openAi = dialectFor('chat.completions');

interface Passing {
  call: MeteredCall;
  route: ModelRoute;
  /** The upstream account whose credentials replace the caller's key (no failover on pass-through routes). */
  account: UpstreamAccount;
  target: UpstreamTarget;
  body: Buffer;
  admission: Admission;
}
type PassingRequest = IncomingMessage & { tollgate?: Passing };

/** The endpoint name of a pass-through route, or undefined when the path is not one. */
export function passthroughEndpoint(path: string): string | undefined {
  return ROUTES.get(path);
}

/**
 * Audio, images, moderations and rerank: authenticated, allow-listed by the body's `model`,
 * admitted against quotas and metered per request (tokens where the provider reports them),
 * then proxied with http-proxy-middleware to the route's place at the model's provider, with the
 * provider's credentials instead of the caller's key. The body is read once (to find `model`,
 * in JSON or in a multipart form) and replayed upstream.
 */
@Injectable()
export class PassthroughService {
  private readonly prices = new PriceCalculator();
  private readonly proxy: RequestHandler<PassingRequest>;

  constructor(
    @Inject(KeyCacheService) private readonly keys: KeyCacheService,
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
    @Inject(QuotaLedger) private readonly ledger: QuotaLedger,
    @Inject(UsageMeter) private readonly meter: UsageMeter,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(UpstreamDispatcher) private readonly upstream: UpstreamDispatcher,
  ) {
    this.proxy = createProxyMiddleware<PassingRequest>({
      router: (req) => passingOf(req).target.origin,
      pathRewrite: (_path, req) => passingOf(req).target.path,
      changeOrigin: true,
      proxyTimeout: this.config.upstreamFirstByteTimeoutMs,
      on: {
        proxyReq: (proxyReq, req) => this.onProxyReq(proxyReq, req),
        proxyRes: (proxyRes, req) => this.onProxyRes(proxyRes, req),
        error: (error, req, res) => this.onError(error, req, res as ServerResponse),
      },
    });
  }

  async handle(endpoint: string, req: PassingRequest, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    let call: MeteredCall;
    try {
      call = new MeteredCall(endpoint, await this.keys.authenticate(req.headers), requestId);
    } catch (error) {
      const failure = toGatewayError(error, requestId, this.logger);
      this.metrics.refused(failure.code);
      res.writeHead(failure.status, { 'content-type': 'application/json' }).end(openAi.errorBody(failure));
      return;
    }
    let admission: Admission | undefined;
    try {
      const body = await readRawBody(req, this.config.maxBodyBytes);
      const checked = checkModelName(modelOf(body, req.headers['content-type'] ?? ''));
      if (!checked.ok) throw invalidRequest(checked.problem, 'model');
      const model = checked.model;
      call.model = model;
      const route = this.catalog.route(model);
      if (!route) throw new GatewayError(404, 'model_not_found', `The model \`${model}\` does not exist.`, 'model');
      if (call.principal.allowedModels && !call.principal.allowedModels.has(route.name)) {
        throw new GatewayError(403, 'model_not_allowed', `You are not allowed to use the model \`${model}\`.`, 'model');
      }
      call.route = route;
      admission = await this.ledger.admit({ userId: call.principal.userId, departmentId: call.principal.departmentId }, { tokens: 0, cost: '0' });
      call.quotaCharges = admission.charges;
      const target = route.adapter.passthroughTarget(route.baseUrl, (req.url ?? '').split('?')[0]);
      const account = this.upstream.account(route);
      if (!account) throw new GatewayError(503, 'upstream_unavailable', 'No upstream account is available for this model; try again later.');
      call.account = account;
      req.tollgate = { call, route, account, target, body: body, admission };
      call.forwarded = true;
      res.once('close', () => this.finish(req));
      await this.proxy(req, res);
    } catch (error) {
      const failure = toGatewayError(error, requestId, this.logger);
      call.status = failure.status;
      call.errorCode = failure.code;
      const record = call.toRecord(this.prices, this.ledger.replicaId);
      admission?.settle({ tokens: 0, cost: record.cost });
      // Durable before the client sees the answer, as on the hot path.
      await this.meter.record(record).catch((err: unknown) => {
        this.logger.error({ err: errorMessage(err) }, 'usage record not spooled');
      });
      this.metrics.observe(record);
      if (!res.headersSent) res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(openAi.errorBody(failure));
    }
  }

  private onProxyReq(proxyReq: ClientRequest, req: PassingRequest): void {
    const passing = passingOf(req);
    proxyReq.removeHeader('authorization');
    proxyReq.removeHeader('x-api-key');
    proxyReq.removeHeader('cookie');
    for (const [name, value] of Object.entries(passing.route.adapter.authHeaders(passing.account.credentials, 'chat.completions')))
      proxyReq.setHeader(name, value);
    proxyReq.setHeader('content-length', passing.body.length);
    proxyReq.removeHeader('transfer-encoding');
    proxyReq.write(passing.body);
  }

  private onProxyRes(proxyRes: IncomingMessage, req: PassingRequest): void {
    const passing = passingOf(req);
    passing.call.status = proxyRes.statusCode ?? 502;
    passing.call.markFirstByte();
    const relayId = proxyRes.headers['x-request-id'] ?? proxyRes.headers['request-id'];
    delete proxyRes.headers['x-request-id'];
    if (typeof relayId === 'string') proxyRes.headers['x-upstream-request-id'] = relayId;
    if (!(proxyRes.headers['content-type'] ?? '').includes('json')) return;
    const chunks: Buffer[] = [];
    let size = 0;
    proxyRes.on('data', (chunk: Buffer) => {
      if (size < MAX_TAPPED_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    proxyRes.on('end', () => {
      const json = safeJson(Buffer.concat(chunks)) as { usage?: unknown } | null;
      passing.call.usage = readUsage(json?.usage);
      if ((proxyRes.statusCode ?? 0) >= 300) passing.call.errorCode = passing.route.adapter.errorCode(json) ?? `upstream_${String(proxyRes.statusCode)}`;
    });
  }

  private onError(error: Error, req: PassingRequest, res: ServerResponse): void {
    const passing = req.tollgate;
    this.logger.warn({ err: error.message }, 'pass-through provider call failed');
    const failure = new GatewayError(502, 'upstream_unavailable', 'The provider could not be reached.');
    if (passing) {
      passing.call.status = failure.status;
      passing.call.errorCode = failure.code;
    }
    if (!res.headersSent) res.writeHead(failure.status, { 'content-type': 'application/json' });
    if (!res.writableEnded) res.end(openAi.errorBody(failure));
  }

  /** Exactly one usage event per call, when the response is over (or the client left). */
  private finish(req: PassingRequest): void {
    const passing = req.tollgate;
    if (!passing) return;
    req.tollgate = undefined;
    if (passing.call.status === 0) {
      passing.call.status = 499;
      passing.call.errorCode = 'client_closed_request';
    }
    // Metered per request: without the provider's token counts, the call counts zero tokens.
    passing.call.usage ??= { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 0 };
    const record = passing.call.toRecord(this.prices, this.ledger.replicaId);
    passing.admission.settle({ tokens: record.totalTokens, cost: record.cost });
    // The proxied answer has already ended (http-proxy ends it): the record follows at once.
    this.meter.record(record).catch((err: unknown) => {
      this.logger.error({ err: errorMessage(err) }, 'usage record not spooled');
    });
    this.metrics.observe(record);
  }
}

/** The call a proxied request carries (set before the request is handed to the proxy). */
function passingOf(req: PassingRequest): Passing {
  if (!req.tollgate) throw new Error('pass-through request without its call');
  return req.tollgate;
}

/** `model` from a JSON body or a multipart form field (checked at the edge by the caller). */
function modelOf(body: Buffer, contentType: string): unknown {
  if (contentType.includes('multipart/form-data')) {
    const match = /name="model"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]{1,1024})\r\n/.exec(body.toString('latin1'));
    return match ? Buffer.from(match[1], 'latin1').toString('utf8') : undefined;
  }
  return (safeJson(body) as { model?: unknown } | null)?.model;
}
